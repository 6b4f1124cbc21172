import assert from "node:assert/strict";
import { join } from "node:path";
import { crc32 } from "../src/server/crc32.ts";
import { readWalSegment, Wal, walSegmentName } from "../src/server/wal.ts";
import { encodeWalRecord, scanWalRecords, type WalRecord } from "../src/server/wal_record.ts";
import { readWalHead } from "../src/server/wal_head.ts";

const insert = (n: number): WalRecord => ({
  type: "insert",
  collectionId: "c",
  docs: [{ docId: `d${n}`, externalId: n % 2 ? null : `e${n}`, insertedAt: n }],
  vectors: Float32Array.from({ length: 16 }, (_, i) => n + i / 10),
});

const concat = (frames: Uint8Array[]) => {
  const bytes = new Uint8Array(frames.reduce((s, f) => s + f.length, 0));
  frames.reduce((off, f) => (bytes.set(f, off), off + f.length), 0);
  return bytes;
};

Deno.test("wal records: round trip; an unfinished last record is a torn tail", () => {
  const frames = [0, 1, 2].map((n) => encodeWalRecord(insert(n)));
  const bytes = concat(frames);
  assert.deepEqual(scanWalRecords(bytes), {
    records: [0, 1, 2].map(insert),
    validBytes: bytes.length,
    damage: null,
  });
  const lastStart = frames[0].length + frames[1].length;
  for (let cut = lastStart + 1; cut < bytes.length; cut++) {
    const { records, validBytes, damage } = scanWalRecords(bytes.subarray(0, cut));
    assert.equal(records.length, 2);
    assert.equal(validBytes, lastStart);
    assert.equal(damage?.torn, true, `cut at ${cut}`);
  }
  const zeroedTail = bytes.slice();
  zeroedTail.fill(0, lastStart);
  assert.equal(scanWalRecords(zeroedTail).damage?.torn, true);
});

Deno.test("wal records: damage followed by an intact record is corruption, never a torn tail", () => {
  const frames = [0, 1, 2, 3].map((n) => encodeWalRecord(insert(n)));
  const bytes = concat(frames);
  const second = frames[0].length;
  // Every byte of the second record: header (magic, length, checksums) and payload.
  for (let at = second; at < second + frames[1].length; at++) {
    const flipped = bytes.slice();
    flipped[at] ^= 0x01;
    const { records, validBytes, damage } = scanWalRecords(flipped);
    assert.equal(records.length, 1, `flip at ${at}`);
    assert.equal(validBytes, second);
    assert.equal(damage?.torn, false, `flip at ${at}`);
    assert.equal(damage?.offset, second);
    assert.equal(damage?.droppedRecords, 2, `flip at ${at}`);
  }
});

Deno.test("wal: group commit batches concurrent appends, applies in order", async () => {
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
    await Deno.writeFile(path, encodeWalRecord(insert(99)).subarray(0, 20), { append: true });
    const scan = await readWalSegment(path);
    assert.equal(scan.records.length, 50);
    assert.equal(scan.validBytes, size);
    assert.equal(scan.damage?.torn, true);
    assert.equal((await Deno.stat(path)).size, size + 20, "reading changes nothing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wal: a rollover makes WAL_HEAD name the new segment; its boundary splits the log exactly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const wal = await Wal.open(dir, 3);
    assert.equal(await readWalHead(dir), 3);
    const applied: number[] = [];
    const log = (n: number) => wal.append(insert(n), () => applied.push(n));
    await log(0);
    // Appends started with the rollover land on either side of it; the boundary sees exactly
    // those in the old segment applied (a snapshot taken there plus the new segment is the state).
    const [atBoundary] = await Promise.all([
      wal.rotate(() => applied.length),
      ...Array.from({ length: 5 }, (_, i) => log(1 + i)),
    ]);
    assert.equal(wal.seq, 4);
    assert.equal(await readWalHead(dir), 4);
    await log(6);
    await wal.close();
    const in3 = (await readWalSegment(join(dir, walSegmentName(3)))).records.length;
    const in4 = (await readWalSegment(join(dir, walSegmentName(4)))).records.length;
    assert.equal(in3, atBoundary);
    assert.equal(in3 + in4, 7);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("crc32: the CRC-32 check value, and continuing a CRC over more bytes", () => {
  const bytes = new TextEncoder().encode("123456789");
  assert.equal(crc32(bytes), 0xcbf43926);
  for (let split = 0; split <= bytes.length; split++) {
    assert.equal(crc32(bytes.subarray(split), crc32(bytes.subarray(0, split))), 0xcbf43926);
  }
});
