/**
 * Damage to a data directory written by the real server process, then a restart of the real
 * process: a torn final write is cut, any other damage stops the start with one line (file,
 * byte offset, what) and exit code 1, leaving every file as it was; `serve --recover` and
 * `fsck` are the explicit ways on.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { call, docId, randomVectors } from "./server_http_client.ts";
import {
  assertRefused,
  copyDir,
  documentCount,
  fingerprint,
  fsck,
  start,
  started,
  stop,
} from "./server_data_dir.ts";

const DIM = 16;
const WAL = "wal-0000000000.log";

/** Offsets of the WAL frames in `bytes` (header: magic, u32 payload length, two CRCs). */
function frameOffsets(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const offsets = [];
  for (let at = 0; at < bytes.length; at += 16 + view.getUint32(at + 4, true)) offsets.push(at);
  return offsets;
}

const INSERTS = 200;

/**
 * A data dir with no snapshot: one collection and INSERTS single inserts (INSERTS + 1 WAL
 * records), the server killed with SIGKILL. Written once, copied by each test.
 */
const logOnly = (async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-damage-base-" });
  const server = await started(dir);
  const id = (await call(server.url, "POST", "/api/v1/collections", {
    name: "damage",
    dimension: DIM,
    metric: "l2",
  })).body.collection_id;
  const vectors = randomVectors(INSERTS, DIM, 3);
  for (let i = 0; i < INSERTS; i++) {
    const r = await call(server.url, "POST", `/api/v1/collections/${id}/insert`, {
      doc_id: docId(i),
      vector: vectors[i],
    });
    assert.equal(r.status, 200);
  }
  await stop(server, "SIGKILL");
  return { dir, id };
})();

const SNAPSHOT_DOCS = 3000;

/**
 * A data dir with a snapshot: SNAPSHOT_DOCS documents (enough for an HNSW graph, merged before
 * the stop), then SIGTERM (final snapshot, empty next WAL segment).
 */
const withSnapshot = (async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-damage-base-" });
  const server = await started(dir);
  const id = (await call(server.url, "POST", "/api/v1/collections", {
    name: "snap",
    dimension: DIM,
    metric: "l2",
  })).body.collection_id;
  const vectors = randomVectors(SNAPSHOT_DOCS, DIM, 5);
  for (let start = 0; start < SNAPSHOT_DOCS; start += 500) {
    const docs = vectors.slice(start, start + 500).map((v, i) => ({
      doc_id: docId(start + i),
      vector: v,
    }));
    const r = await call(server.url, "POST", `/api/v1/collections/${id}/insert_batch`, { docs });
    assert.equal(r.status, 200);
  }
  while (
    (await call(server.url, "GET", "/admin/health")).body.components.database.details
      .pending_vectors
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop(server, "SIGTERM");
  const seq = await Deno.readTextFile(join(dir, "CURRENT"));
  return { dir, id, seq, snap: `snapshots/${seq}` };
})();

Deno.test("storage: a torn final WAL record is cut on start, everything before it is served", async () => {
  const base = await logOnly;
  const dir = await copyDir(base.dir);
  const wal = join(dir, WAL);
  const offsets = frameOffsets(await Deno.readFile(wal));
  const size = (await Deno.stat(wal)).size;
  await Deno.truncate(wal, size - 10);
  const server = await started(dir);
  assert.equal(await documentCount(server.url, base.id), INSERTS - 1);
  assert.match(server.stderr(), new RegExp(`${WAL}: cut an unfinished final write at byte`));
  await stop(server, "SIGKILL");
  assert.equal((await Deno.stat(wal)).size, offsets.at(-1));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("storage: damage in the middle of the WAL stops the start and changes nothing", async (t) => {
  const base = await logOnly;
  const bytes = await Deno.readFile(join(base.dir, WAL));
  const offsets = frameOffsets(bytes);
  const middle = offsets[INSERTS / 2];
  const page = Math.ceil(bytes.length / 2 / 4096) * 4096 - 4096;
  const pageFrame = offsets.findLast((o) => o <= page)!;
  const cases: [string, (b: Uint8Array) => void, number, RegExp][] = [
    [
      "a flipped vector byte",
      (b) => (b[offsets[INSERTS / 2 + 1] - 5] ^= 0x40),
      middle,
      /record checksum mismatch \(100 intact records follow\)/,
    ],
    [
      "a flipped length byte",
      (b) => (b[middle + 5] ^= 0x01),
      middle,
      /record header checksum mismatch/,
    ],
    [
      "a flipped byte in the first record",
      (b) => (b[20] ^= 0x01),
      0,
      /checksum mismatch \(200 intact records follow\)/,
    ],
    [
      "a zeroed 4 KiB page",
      (b) => b.fill(0, page, page + 4096),
      pageFrame,
      /bad magic|checksum mismatch/,
    ],
  ];
  for (const [name, damage, offset, what] of cases) {
    await t.step(name, async () => {
      const dir = await copyDir(base.dir);
      const damaged = bytes.slice();
      damage(damaged);
      await Deno.writeFile(join(dir, WAL), damaged);
      await assertRefused(dir, WAL, offset, what);
      await Deno.remove(dir, { recursive: true });
    });
  }
});

Deno.test("storage: a deleted WAL is missing data, not an empty database", async () => {
  const dir = await copyDir((await logOnly).dir);
  await Deno.remove(join(dir, WAL));
  await assertRefused(dir, WAL, null, /WAL segment is missing/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("storage: serve --recover keeps the log up to the damage and sets the rest aside", async () => {
  const base = await logOnly;
  const dir = await copyDir(base.dir);
  const wal = join(dir, WAL);
  const bytes = await Deno.readFile(wal);
  const offsets = frameOffsets(bytes);
  bytes[offsets[101] - 5] ^= 0x40; // record 100 (insert 99) damaged; 100 intact records after it
  await Deno.writeFile(wal, bytes);
  const server = await started(dir, ["--recover"]);
  assert.equal(await documentCount(server.url, base.id), 99);
  const line = server.stderr().split("\n").find((l) => l.includes("recovered from"));
  assert.ok(line, server.stderr());
  assert.match(line, /kept 100 records, dropped 100; the discarded log is in .*recovered-/);
  await stop(server, "SIGTERM");
  const aside = [...Deno.readDirSync(dir)].find((e) => e.name.startsWith("recovered-"))!.name;
  assert.deepEqual(await Deno.readFile(join(dir, aside, WAL)), bytes, "the evidence, as it was");
  const again = await started(dir);
  assert.equal(await documentCount(again.url, base.id), 99);
  await stop(again, "SIGKILL");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("storage: a damaged snapshot stops the start and changes nothing", async (t) => {
  const { dir: baseDir, id, seq, snap } = await withSnapshot;
  const vectors = `${snap}/${id}.vectors`;
  const vectorBytes = SNAPSHOT_DOCS * DIM * 4;
  const cut = (file: string, by: number) => async (dir: string) => {
    await Deno.truncate(join(dir, file), (await Deno.stat(join(dir, file))).size - by);
  };
  const write = (file: string, text: string) => (dir: string) =>
    Deno.writeTextFile(join(dir, file), text);
  const cases: [string, (dir: string) => Promise<void>, string, number | null, RegExp][] = [
    [
      "a flipped vector byte",
      async (dir) => {
        const bytes = await Deno.readFile(join(dir, vectors));
        bytes[vectorBytes / 2] ^= 0x01;
        await Deno.writeFile(join(dir, vectors), bytes);
      },
      vectors,
      0,
      /checksum mismatch in bytes 0\.\./,
    ],
    [
      "vectors cut by 6 bytes (a partial vector)",
      cut(vectors, 6),
      vectors,
      vectorBytes - DIM * 4,
      /partial vector/,
    ],
    ["vectors cut by 128 bytes", cut(vectors, 128), vectors, vectorBytes - 128, /truncated/],
    [
      "a truncated docs file",
      cut(`${snap}/${id}.docs.json`, 100),
      `${snap}/${id}.docs.json`,
      null,
      /truncated/,
    ],
    [
      "a truncated graph file",
      cut(`${snap}/${id}.usearch`, 100),
      `${snap}/${id}.usearch`,
      null,
      /truncated/,
    ],
    [
      "a garbage manifest",
      write(`${snap}/manifest.json`, "{not json"),
      `${snap}/manifest.json`,
      0,
      /not a snapshot manifest/,
    ],
    ["an empty CURRENT", write("CURRENT", ""), "CURRENT", 0, /empty/],
    ["a garbage CURRENT", write("CURRENT", "x7\u0000"), "CURRENT", 0, /not a snapshot number/],
    [
      "a dangling CURRENT",
      write("CURRENT", String(Number(seq) + 5)),
      `snapshots/${Number(seq) + 5}/manifest.json`,
      null,
      /missing/,
    ],
    [
      "a deleted WAL segment the snapshot names",
      (dir) => Deno.remove(join(dir, `wal-${seq.padStart(10, "0")}.log`)),
      `wal-${seq.padStart(10, "0")}.log`,
      null,
      /WAL segment is missing/,
    ],
  ];
  for (const [name, damage, file, offset, what] of cases) {
    await t.step(name, async () => {
      const dir = await copyDir(baseDir);
      await damage(dir);
      await assertRefused(dir, file, offset, what);
      await Deno.remove(dir, { recursive: true });
    });
  }
});

Deno.test("storage: an intact snapshot restarts with every document", async () => {
  const { dir: baseDir, id } = await withSnapshot;
  const dir = await copyDir(baseDir);
  const server = await started(dir);
  assert.equal(await documentCount(server.url, id), SNAPSHOT_DOCS);
  await stop(server, "SIGKILL");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("storage: a data dir of the older format is refused, not read", async () => {
  const dir = await copyDir((await logOnly).dir);
  await Deno.remove(join(dir, "FORMAT"));
  const before = await fingerprint(dir);
  const result = await start(dir);
  assert.ok("code" in result && result.code === 1);
  assert.match(
    result.stderr,
    /^akibench serve: .*: has no FORMAT file: written by an older akibench/,
  );
  assert.equal(result.stderr.trimEnd().split("\n").length, 1);
  assert.deepEqual(await fingerprint(dir), before);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("storage: fsck reports a clean data dir with 0 and every damaged file with 1", async () => {
  const { dir: baseDir, id, snap, seq } = await withSnapshot;
  const dir = await copyDir(baseDir);
  const clean = await fsck(["--data-dir", dir]);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /: clean, 0 WAL records replayable\n$/);

  await Deno.truncate(join(dir, `${snap}/${id}.vectors`), 6);
  await Deno.mkdir(join(dir, "tiers"));
  await Deno.writeTextFile(join(dir, "tiers", "state.json"), "{garbage");
  const before = await fingerprint(dir);
  const damaged = await fsck(["--data-dir", dir]);
  assert.equal(damaged.code, 1, damaged.stdout + damaged.stderr);
  const lines = damaged.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 5, damaged.stdout);
  assert.match(lines[0], new RegExp(`^damaged: ${join(dir, snap, id)}\\.vectors: at byte 0: `));
  assert.match(lines[1], /^damaged: .*tiers\/state\.json: unreadable tier state/);
  // The snapshot SIGTERM wrote is damaged; the generation before it (the log from the start)
  // is what serve --recover would use.
  assert.match(lines[2], new RegExp(`^generation current: snapshot ${seq} .*: damaged`));
  assert.match(
    lines[3],
    /^generation previous: the empty state \+ WAL from wal-0000000000\.log on: good/,
  );
  assert.match(lines[4], /: 2 damaged files, 0 WAL records replayable$/);
  assert.deepEqual(await fingerprint(dir), before, "fsck changed the data dir");

  const log = await copyDir((await logOnly).dir);
  const wal = join(log, WAL);
  const bytes = await Deno.readFile(wal);
  bytes[frameOffsets(bytes)[50] + 30] ^= 0x01;
  await Deno.writeFile(wal, bytes);
  await Deno.writeFile(wal, new Uint8Array([0x41, 0x4b, 0x57]), { append: true });
  const both = await fsck(["--data-dir", log]);
  assert.equal(both.code, 1);
  assert.match(both.stdout, new RegExp(`^damaged: ${wal}: at byte ${frameOffsets(bytes)[50]}: `));

  const usage = await fsck([]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^akibench fsck: --data-dir is required/);
  assert.equal((await fsck(["--data-dir", join(dir, "nope")])).code, 2);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(log, { recursive: true });
});

Deno.test("storage: a batch is all or nothing, to readers and on disk, even killed mid-write", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-damage-" });
  const marker = join(dir, "..", `${dir.split("/").at(-1)}.stalled`);
  // The hook writes and syncs half of the batch's WAL write, then stops there for good.
  const server = await started(dir, [], { AKIBENCH_TEST_WAL_STALL: marker });
  const id = (await call(server.url, "POST", "/api/v1/collections", {
    name: "atomic",
    dimension: DIM,
    metric: "l2",
  })).body.collection_id;
  const vectors = randomVectors(2050, DIM, 9);
  for (let i = 0; i < 50; i++) {
    const r = await call(server.url, "POST", `/api/v1/collections/${id}/insert`, {
      doc_id: docId(i),
      vector: vectors[i],
    });
    assert.equal(r.status, 200);
  }
  const docs = vectors.slice(50).map((v, i) => ({ doc_id: docId(50 + i), vector: v }));
  const batch = call(server.url, "POST", `/api/v1/collections/${id}/insert_batch`, { docs })
    .catch(() => null);
  while (!(await Deno.stat(marker).then(() => true, () => false))) {
    await new Promise((r) => setTimeout(r, 20));
  }
  // Half of the batch is on disk now; readers see none of it.
  assert.equal(await documentCount(server.url, id), 50);
  const all = await call(server.url, "POST", `/api/v1/collections/${id}/query`, {
    query_vector: vectors[60],
    top_k: 5000,
  });
  assert.equal(all.body.matches.length, 50);
  assert.equal(
    (await call(server.url, "GET", `/api/v1/collections/${id}/docs/${docId(50)}`))
      .body.document,
    null,
  );
  await stop(server, "SIGKILL");
  assert.equal(await batch, null, "the batch was never acknowledged");

  const again = await started(dir);
  assert.equal(await documentCount(again.url, id), 50, "none of the unacknowledged batch");
  assert.match(again.stderr(), /cut an unfinished final write/);
  const retry = await call(again.url, "POST", `/api/v1/collections/${id}/insert_batch`, { docs });
  assert.equal(retry.status, 200);
  assert.equal(await documentCount(again.url, id), 2050);
  await stop(again, "SIGKILL");
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(marker);
});
