import assert from "node:assert/strict";
import { join } from "node:path";
import { readWalSegment, Wal, walSegmentName } from "../src/server/wal.ts";
import { decodeWalRecords, encodeWalRecord, type WalRecord } from "../src/server/wal_record.ts";

const insert = (n: number): WalRecord => ({
  type: "insert",
  collectionId: "c",
  docId: `d${n}`,
  externalId: n % 2 ? null : `e${n}`,
  insertedAt: n,
  vector: Float32Array.from({ length: 16 }, (_, i) => n + i / 10),
});

Deno.test("wal records: round trip, and any torn or corrupted tail is cut at the last good record", () => {
  const frames = [0, 1, 2].map((n) => encodeWalRecord(insert(n)));
  const bytes = new Uint8Array(frames.reduce((s, f) => s + f.length, 0));
  frames.reduce((off, f) => (bytes.set(f, off), off + f.length), 0);
  assert.deepEqual(decodeWalRecords(bytes).records, [0, 1, 2].map(insert));
  const lastStart = frames[0].length + frames[1].length;
  for (let cut = lastStart; cut < bytes.length; cut++) {
    const { records, validBytes } = decodeWalRecords(bytes.subarray(0, cut));
    assert.equal(records.length, 2);
    assert.equal(validBytes, lastStart);
  }
  const flipped = bytes.slice();
  flipped[bytes.length - 3] ^= 0xff;
  assert.equal(decodeWalRecords(flipped).records.length, 2);
});

Deno.test("wal: group commit batches concurrent appends, applies in order, truncates torn tail", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const wal = await Wal.open(dir, 0);
    const applied: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, n) => wal.append(insert(n), () => (applied.push(n), n * 2))),
    );
    assert.deepEqual(results, Array.from({ length: 50 }, (_, n) => n * 2));
    assert.deepEqual(applied, Array.from({ length: 50 }, (_, n) => n));
    assert.ok(wal.syncs < 50, `50 concurrent appends took ${wal.syncs} fdatasyncs`);
    await wal.close();
    const path = join(dir, walSegmentName(0));
    const size = (await Deno.stat(path)).size;
    const torn = encodeWalRecord(insert(99)).subarray(0, 20);
    await Deno.writeFile(path, torn, { append: true });
    const { records, truncatedBytes } = await readWalSegment(path);
    assert.equal(records.length, 50);
    assert.equal(truncatedBytes, 20);
    assert.equal((await Deno.stat(path)).size, size);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
