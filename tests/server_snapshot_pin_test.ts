/**
 * A checkpoint pins the resident collections it captured until their data is written: tiering's
 * release of a copy loaded for reads (which resets the vectors) must wait, or the snapshot would
 * read a reset vector store ("Cannot read properties of undefined (reading 'subarray')", seen
 * once in a whole-suite run in the tiering data test's closing checkpoint).
 */
import assert from "node:assert/strict";
import { Collection } from "../src/server/collection.ts";
import { DEFAULT_INDEX_PARAMS } from "../src/server/collection_meta.ts";
import {
  captureCollections,
  prepareSnapshotDir,
  releaseCaptures,
  writeSnapshot,
} from "../src/server/snapshot.ts";

const meta = (id: string) => ({
  id,
  name: id,
  dimension: 4,
  metric: "cosine" as const,
  owner: "default",
  embeddingModel: null,
  createdAt: 0,
  index: { ...DEFAULT_INDEX_PARAMS },
});

Deno.test("snapshot: captured resident collections stay pinned until the snapshot is written", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "akidb-snapshot-pin-" });
  try {
    const resident = new Collection(meta("r"));
    for (let i = 0; i < 3; i++) resident.applyInsert(`d${i}`, null, i, Float32Array.of(1, i, 0, 0));
    const evicted = Collection.evicted(meta("e"), { file: null, objectKey: "k/e" }, 7);
    const staging = await prepareSnapshotDir(dataDir);
    const captures = captureCollections([resident, evicted], staging);
    // Tiering evicts only a collection with no users: the capture holds one.
    assert.equal(resident.users, 1);
    assert.equal(evicted.users, 0);
    await writeSnapshot(dataDir, 1, captures, null);
    releaseCaptures(captures);
    assert.equal(resident.users, 0);
    assert.equal(evicted.users, 0);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
