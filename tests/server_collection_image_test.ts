import assert from "node:assert/strict";
import { Collection } from "../src/server/collection.ts";
import { decodeCollectionImage } from "../src/server/collection_image.ts";
import { DEFAULT_INDEX_PARAMS } from "../src/server/collection_meta.ts";

const DIM = 8;

Deno.test("collection image: a flipped or missing byte anywhere is refused, never decoded", async () => {
  const c = new Collection({
    id: "c",
    name: "c",
    dimension: DIM,
    metric: "l2",
    owner: "default",
    embeddingModel: null,
    createdAt: 0,
    index: { ...DEFAULT_INDEX_PARAMS, exactThreshold: 1000 },
  });
  for (let i = 0; i < 20; i++) c.applyInsert(`d${i}`, null, i, new Float32Array(DIM).fill(i));
  const image = await c.encodeImage();
  assert.deepEqual(
    decodeCollectionImage(image).vectors.subarray(DIM * 3, DIM * 4),
    new Float32Array(DIM).fill(3),
  );
  for (let at = 0; at < image.length; at += 7) {
    const flipped = image.slice();
    flipped[at] ^= 0x10;
    assert.throws(() => decodeCollectionImage(flipped), /collection image/, `byte ${at}`);
  }
  assert.throws(
    () => decodeCollectionImage(image.subarray(0, image.length - 6)),
    /checksum mismatch/,
  );
  const older = image.slice();
  older.set(new TextEncoder().encode("AKIDB-IMAGE-1\n"));
  assert.throws(
    () => decodeCollectionImage(older),
    /not an AkiDB collection image of this version/,
  );
});
