/**
 * Data dirs whose WAL rolled over to new segments (checkpoints at 1 MiB), written by the real
 * server and killed with SIGKILL: a deleted newest segment is seen (WAL_HEAD names it) and
 * stops the start; a damaged newest snapshot stops it too, and `serve --recover` starts from
 * the previous generation (its snapshot and the WAL kept from it on) with every acknowledged
 * document.
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
  type Started,
  started,
  stop,
} from "./server_data_dir.ts";

const DIM = 256;
const BATCH = 250;
const vectors = randomVectors(8000, DIM, 11);
const segment = (seq: number) => `wal-${String(seq).padStart(10, "0")}.log`;

async function createCollection(url: string): Promise<string> {
  const r = await call(url, "POST", "/api/v1/collections", {
    name: "gen",
    dimension: DIM,
    metric: "l2",
  });
  assert.equal(r.status, 201);
  return r.body.collection_id;
}

/** Inserts documents from..to as one batch (acknowledged: asserts 200). */
async function insert(url: string, id: string, from: number, to: number): Promise<void> {
  const docs = vectors.slice(from, to).map((v, i) => ({ doc_id: docId(from + i), vector: v }));
  const r = await call(url, "POST", `/api/v1/collections/${id}/insert_batch`, { docs });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

async function compactions(url: string): Promise<number> {
  const text = (await call(url, "GET", "/metrics")).body as string;
  return Number(/^akidb_compactions_total (\d+)$/m.exec(text)![1]);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

function walHead(dir: string): number {
  return Number(/^wal-head (\d+) /.exec(Deno.readTextFileSync(join(dir, "WAL_HEAD")))![1]);
}

async function killed(server: Started): Promise<void> {
  await stop(server, "SIGKILL");
}

/** Every document 0..n is served with its exact vector. */
async function assertAllServed(url: string, id: string, n: number): Promise<void> {
  assert.equal(await documentCount(url, id), n);
  for (const i of [0, n >> 1, n - 1]) {
    const r = await call(url, "GET", `/api/v1/collections/${id}/docs/${docId(i)}`);
    assert.deepEqual(r.body.document?.vector, vectors[i].map(Math.fround), `doc ${i}`);
  }
}

/**
 * Two checkpoints, both finished, then 10 acknowledged batches in the newest segment, then
 * SIGKILL.
 */
const rolled = (async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-gen-base-" });
  const server = await started(dir, ["--checkpoint-wal-mb", "1"]);
  const id = await createCollection(server.url);
  let docs = 0;
  // WAL_HEAD names segment 2 once the second checkpoint rolled the WAL over (at most one more
  // batch goes into segment 2 before this sees it: far from another 1 MiB checkpoint).
  while (walHead(dir) < 2) {
    assert.ok(docs < 6000, "two checkpoints within 6,000 documents");
    await insert(server.url, id, docs, docs + BATCH);
    docs += BATCH;
  }
  while ((await compactions(server.url)) < 2) await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 10; i++, docs += 20) await insert(server.url, id, docs, docs + 20);
  await killed(server);
  const seq = Number(Deno.readTextFileSync(join(dir, "CURRENT")));
  const snapshots = [...Deno.readDirSync(join(dir, "snapshots"))].map((e) => Number(e.name));
  const previous = Math.min(...snapshots);
  const segments = [...Deno.readDirSync(dir)].filter((e) => e.name.startsWith("wal-"))
    .map((e) => Number(e.name.slice(4, 14))).sort((a, b) => a - b);
  return { dir, id, docs, seq, previous, snapshots, segments };
})();

Deno.test("storage: a checkpoint keeps one previous generation: its snapshot and the WAL from it on", async () => {
  const { seq, previous, snapshots, segments } = await rolled;
  assert.equal(snapshots.length, 2, `snapshots ${snapshots}`);
  assert.ok(previous < seq);
  assert.deepEqual(
    segments,
    Array.from({ length: seq - previous + 1 }, (_, i) => previous + i),
    "segments from the previous snapshot's first one to the newest, no older one",
  );
});

Deno.test("storage: a deleted newest WAL segment stops the start; --recover starts without it", async () => {
  const { dir: baseDir, id, docs, seq, segments } = await rolled;
  assert.ok(segments.length >= 2, "several segments");
  const dir = await copyDir(baseDir);
  await Deno.remove(join(dir, segment(seq)));
  await assertRefused(dir, segment(seq), null, /WAL segment is missing/);
  const report = await fsck(["--data-dir", dir]);
  assert.equal(report.code, 1);
  assert.match(
    report.stdout,
    new RegExp(`^damaged: ${join(dir, segment(seq))}: WAL segment is missing`),
  );
  // Both generations need the segment: both are damaged, the segment is one damaged file.
  assert.match(report.stdout, /^generation current: .*: damaged/m);
  assert.match(report.stdout, /^generation previous: .*: damaged/m);
  assert.match(report.stdout, /: 1 damaged file, /);

  const server = await started(dir, ["--recover"]);
  const snapshotDocs = await documentCount(server.url, id);
  assert.ok(snapshotDocs > 0 && snapshotDocs <= docs - 200, "the snapshot's documents, no later");
  assert.match(
    server.stderr(),
    /recovered from .*WAL segment is missing.*: kept 0 records, dropped 0; the discarded log is in .*recovered-/,
  );
  await killed(server);
  const again = await started(dir);
  assert.equal(await documentCount(again.url, id), snapshotDocs);
  await killed(again);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("storage: a damaged newest snapshot stops the start; --recover starts from the previous generation with every document", async (t) => {
  const { dir: baseDir, id, docs, seq, previous } = await rolled;
  const vectorsFile = join("snapshots", String(seq), `${id}.vectors`);
  const damaged = async () => {
    const dir = await copyDir(baseDir);
    const bytes = await Deno.readFile(join(dir, vectorsFile));
    bytes[bytes.length >> 1] ^= 0x01;
    await Deno.writeFile(join(dir, vectorsFile), bytes);
    return dir;
  };
  await t.step("refused without --recover, nothing changed", async () => {
    const dir = await damaged();
    await assertRefused(dir, vectorsFile, null, /checksum mismatch/);
    await Deno.remove(dir, { recursive: true });
  });
  await t.step("fsck names the good generation", async () => {
    const dir = await damaged();
    const before = await fingerprint(dir);
    const report = await fsck(["--data-dir", dir]);
    assert.equal(report.code, 1);
    assert.match(
      report.stdout,
      new RegExp(`^generation current: snapshot ${seq} .*: damaged`, "m"),
    );
    assert.match(
      report.stdout,
      new RegExp(
        `^generation previous: snapshot ${previous} \\+ WAL from ${segment(previous)} on: good`,
        "m",
      ),
    );
    assert.deepEqual(await fingerprint(dir), before);
    await Deno.remove(dir, { recursive: true });
  });
  await t.step("--recover: the previous snapshot + WAL, every acknowledged document", async () => {
    const dir = await damaged();
    const server = await started(dir, ["--recover"]);
    await assertAllServed(server.url, id, docs);
    const line = server.stderr().split("\n").find((l) => l.includes("recovered from"));
    assert.match(
      line ?? server.stderr(),
      new RegExp(
        `checksum mismatch .*: started from snapshot ${previous}, the newest intact generation, ` +
          `and replayed \\d+ WAL records from ${
            segment(previous)
          } on; the damaged snapshot ${seq} is in .*recovered-`,
      ),
    );
    await killed(server);
    const aside = [...Deno.readDirSync(dir)].find((e) => e.name.startsWith("recovered-"))!.name;
    assert.ok(await exists(join(dir, aside, `snapshot-${seq}`, `${id}.vectors`)), "the evidence");
    const again = await started(dir);
    await assertAllServed(again.url, id, docs);
    await killed(again);
    await Deno.remove(dir, { recursive: true });
  });
  await t.step("--recover with a garbage CURRENT: the newest intact snapshot", async () => {
    const dir = await copyDir(baseDir);
    await Deno.writeTextFile(join(dir, "CURRENT"), "garbage");
    await assertRefused(dir, "CURRENT", 0, /not a snapshot number/);
    const server = await started(dir, ["--recover"]);
    await assertAllServed(server.url, id, docs);
    assert.match(server.stderr(), new RegExp(`started from snapshot ${seq}, the newest intact`));
    await killed(server);
    await Deno.remove(dir, { recursive: true });
  });
});

Deno.test("storage: killed mid-checkpoint, the newest segment is beyond the snapshot's; deleting it is seen", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-gen-" });
  const marker = join(dir, "..", `${dir.split("/").at(-1)}.checkpoint`);
  // The hook stops the first checkpoint right after the WAL rolled over to segment 1.
  const server = await started(dir, ["--checkpoint-wal-mb", "1"], {
    AKIBENCH_TEST_CHECKPOINT_STALL: marker,
  });
  const id = await createCollection(server.url);
  let docs = 0;
  while (!await exists(marker)) {
    assert.ok(docs < 4000, "a checkpoint within 4,000 documents");
    await insert(server.url, id, docs, docs + BATCH);
    docs += BATCH;
  }
  const seen = docs;
  for (; docs < seen + 1000; docs += BATCH) await insert(server.url, id, docs, docs + BATCH);
  await killed(server);
  assert.equal(walHead(dir), 1);
  assert.ok(!await exists(join(dir, "CURRENT")), "no snapshot was written");

  const intact = await copyDir(dir);
  const restarted = await started(intact);
  await assertAllServed(restarted.url, id, docs);
  await killed(restarted);

  await Deno.remove(join(dir, segment(1)));
  await assertRefused(
    dir,
    segment(1),
    null,
    /WAL segment is missing \(WAL_HEAD names it as the newest\)/,
  );
  const report = await fsck(["--data-dir", dir]);
  assert.equal(report.code, 1);
  assert.match(report.stdout, /^damaged: .*wal-0000000001\.log: WAL segment is missing/);
  // Segment 0 holds the collection's creation and the batches logged before the rollover.
  const records = Number(/, (\d+) WAL records replayable\n$/.exec(report.stdout)![1]);
  const inFirst = (records - 1) * BATCH;
  assert.ok(inFirst > 0 && inFirst < docs, `${inFirst} of ${docs} documents in segment 0`);
  const recovered = await started(dir, ["--recover"]);
  assert.equal(await documentCount(recovered.url, id), inFirst);
  assert.match(
    recovered.stderr(),
    /recovered from .*: kept \d+ records, dropped 0; the discarded log is in .*recovered-/,
  );
  await killed(recovered);
  const again = await started(dir);
  assert.equal(await documentCount(again.url, id), inFirst);
  await killed(again);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(intact, { recursive: true });
  await Deno.remove(marker);
});

Deno.test("storage: a deleted or damaged WAL_HEAD stops the start", async () => {
  const { dir: baseDir } = await rolled;
  const dir = await copyDir(baseDir);
  await Deno.remove(join(dir, "WAL_HEAD"));
  await assertRefused(dir, "WAL_HEAD", null, /missing \(it names the newest WAL segment/);
  await Deno.writeTextFile(join(dir, "WAL_HEAD"), "wal-head 7 crc32=00000000\n");
  await assertRefused(dir, "WAL_HEAD", 0, /checksum mismatch/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("storage: a data dir of format 2 (no WAL_HEAD) is upgraded by a clean start", async () => {
  const { dir: baseDir, id, docs } = await rolled;
  const dir = await copyDir(baseDir);
  await Deno.remove(join(dir, "WAL_HEAD"));
  await Deno.writeTextFile(join(dir, "FORMAT"), "akidb-storage 2\n");
  const server = await started(dir);
  await assertAllServed(server.url, id, docs);
  await killed(server);
  assert.equal(await Deno.readTextFile(join(dir, "FORMAT")), "akidb-storage 3\n");
  assert.equal(walHead(dir), (await rolled).seq);
  await Deno.remove(dir, { recursive: true });
});
