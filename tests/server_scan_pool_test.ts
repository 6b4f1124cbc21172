import assert from "node:assert/strict";
import { Collection, type DocumentHit } from "../src/server/collection.ts";
import { type CollectionMetric, DEFAULT_INDEX_PARAMS } from "../src/server/collection_meta.ts";
import { ScanPool } from "../src/server/scan_pool.ts";
import { prng } from "./server_http_client.ts";

// 128-d, 5,000 vectors: more than one slice of the request loop's exact scan (2,048 vectors of
// 128-d), so a scan that read the collection as it went would see writes made after the call.
const DIM = 128;
const N = 5000;

function vectors(n: number, seed: number): Float32Array {
  const next = prng(seed);
  return Float32Array.from({ length: n * DIM }, () => Math.round(next() * 16 - 8) / 8);
}

function row(data: Float32Array, i: number): Float32Array {
  return data.subarray(i * DIM, (i + 1) * DIM);
}

/** A collection of N documents d0.. with every vector in its HNSW graph. */
function indexed(metric: CollectionMetric, data: Float32Array): Collection {
  const c = new Collection({
    id: "c",
    name: "c",
    dimension: DIM,
    metric,
    owner: "default",
    embeddingModel: null,
    createdAt: 0,
    index: { ...DEFAULT_INDEX_PARAMS, exactThreshold: 64 },
  });
  for (let i = 0; i < N; i++) c.applyInsert(`d${i}`, null, 0, row(data, i));
  while (c.index.pendingCount > 0) c.index.merge(10_000, c.documentCount);
  return c;
}

/** Exact scores of every live document, best first, ties by slot (= insertion order here). */
function bruteForce(c: Collection, query: Float32Array): DocumentHit[] {
  const hits: (DocumentHit & { slot: number })[] = [];
  for (let slot = 0; slot < c.vectors.count; slot++) {
    if (!c.isLive(slot)) continue;
    const v = c.vectors.get(slot);
    let dot = 0, qq = 0, vv = 0, l2 = 0;
    for (let i = 0; i < DIM; i++) {
      dot += query[i] * v[i];
      qq += query[i] * query[i];
      vv += v[i] * v[i];
      l2 += (query[i] - v[i]) ** 2;
    }
    const score = c.meta.metric === "dot"
      ? dot
      : c.meta.metric === "l2"
      ? -Math.sqrt(l2)
      : dot / (Math.sqrt(qq) * Math.sqrt(vv));
    hits.push({ slot, docId: c.docIds[slot], externalId: null, score });
  }
  hits.sort((a, b) => b.score - a.score || a.slot - b.slot);
  return hits.map(({ docId, externalId, score }) => ({ docId, externalId, score }));
}

function assertSameHits(got: DocumentHit[], want: DocumentHit[], what: string): void {
  assert.deepEqual(got.map((h) => h.docId), want.map((h) => h.docId), what);
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i].score - want[i].score) < 1e-9, `${what}: score of ${got[i].docId}`);
  }
}

Deno.test("scan pool: heavy searches on worker threads equal the exact scan in this thread and brute force", async () => {
  const pool = new ScanPool(2);
  try {
    for (const metric of ["cosine", "l2", "dot"] as const) {
      const data = vectors(N, 7);
      const c = indexed(metric, data);
      for (let i = 0; i < N; i += 7) c.applyDelete(`d${i}`);
      const live = c.documentCount;
      for (const [q, k] of [[3, 200], [11, live], [40, live + 10]]) {
        const query = row(data, q); // a stored vector: exact ties with its duplicates, if any
        // Three at once on two workers: one waits in the queue.
        const [a, b, c3] = await Promise.all([0, 1, 2].map(() => c.query(query, k, pool)));
        const inThread = await c.query(query, k);
        const truth = bruteForce(c, query).slice(0, k);
        assert.equal(a.length, Math.min(k, live));
        for (const got of [a, b, c3]) assertSameHits(got, inThread, `${metric} k${k} vs in-thread`);
        assertSameHits(a, truth, `${metric} k${k} vs brute force`);
      }
    }
  } finally {
    pool.close();
  }
});

Deno.test("scan pool: a delete and re-insert made while a heavy search runs leave its answer as of the call", async () => {
  const pool = new ScanPool(1);
  try {
    const data = vectors(N + 2, 11);
    const c = indexed("cosine", data);
    const query = row(data, 4500);
    const before = bruteForce(c, query);
    // The search is called, then — before it can have finished — d4500 is updated (deleted and
    // inserted again with another vector), d4600 deleted and d-new inserted. These writes are
    // synchronous, so they land exactly between the call and the scan's first step.
    const racing = c.query(query, N + 10, pool);
    assert.ok(c.applyDelete("d4500"));
    c.applyInsert("d4500", null, 1, row(data, N));
    assert.ok(c.applyDelete("d4600"));
    c.applyInsert("d-new", null, 1, row(data, N + 1));
    const got = await racing;
    // The state at the call: the old d4500 (self-similarity 1, rank 0) exactly once, d4600
    // still there, d-new not yet.
    assertSameHits(got, before, "answer as of the call");
    assert.equal(got.filter((h) => h.docId === "d4500").length, 1);
    // A search after the writes sees all of them.
    const after = await c.query(query, N + 10, pool);
    assertSameHits(after, bruteForce(c, query), "answer after the writes");
    assert.equal(after.filter((h) => h.docId === "d4500").length, 1);
    assert.ok(!after.some((h) => h.docId === "d4600"));
    assert.ok(after.some((h) => h.docId === "d-new"));
  } finally {
    pool.close();
  }
});

Deno.test("scan pool: closing it fails the scans still waiting or running", async () => {
  const pool = new ScanPool(1);
  const data = vectors(N, 5);
  const c = indexed("l2", data);
  const scans = [0, 1].map(() => c.query(row(data, 0), N, pool));
  pool.close();
  for (const scan of scans) await assert.rejects(scan, /scan pool is closed/);
  await assert.rejects(c.query(row(data, 0), N, pool), /scan pool is closed/);
});
