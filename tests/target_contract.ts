import assert from "node:assert/strict";
import { distance } from "../src/dataset/distance.ts";
import { type Metric, METRICS } from "../src/dataset/metric.ts";
import { sameVector } from "../src/run/integrity.ts";
import type { ScenarioTarget } from "../src/targets/scenario_target.ts";
import type { Document } from "../src/targets/target.ts";
import { encodeAhead } from "../src/targets/vector_text.ts";
import { errorOf } from "./target_error_of.ts";

const DIM = 16;
const ROWS = 200;
const K = 10;

/** `n` × DIM vectors from a fixed linear congruential sequence in [-1, 1). */
function vectors(n: number, seed: number): Float32Array {
  const out = new Float32Array(n * DIM);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** The engine's score from the exact ann-benchmarks distance: similarity, or l2 distance. */
function exactScore(metric: Metric, d: number): number {
  return metric === "cosine" ? 1 - d : metric === "dot" ? -d : d;
}

function newId(): string {
  return crypto.randomUUID();
}

/**
 * Runs every Target method against a real server, per metric: bulk and single inserts, search
 * scores and ids against the exact ground truth, get (vector read back bit for bit), delete,
 * collection listing and deletion, and the bad input (wrong dimension, unknown collection).
 * Duplicate ids are target-specific and checked by the caller.
 */
export async function checkTargetContract(t: Deno.TestContext, target: ScenarioTarget) {
  for (const metric of METRICS) {
    await t.step(`${metric}: insert, search against exact ground truth, get, delete`, async () => {
      const name = `akibench-contract-${metric}-${newId().slice(0, 8)}`;
      const id = await target.createCollection({ name, dimension: DIM, metric });
      const train = vectors(ROWS, 7);
      const docs: Document[] = Array.from({ length: ROWS }, (_, row) => ({
        id: newId(),
        externalId: String(row),
        vector: train.subarray(row * DIM, (row + 1) * DIM),
      }));
      await target.insertBatch!(id, docs.slice(0, 150));
      for (const d of docs.slice(150)) await target.insert(id, d);

      const queries = vectors(5, 99);
      let found = 0;
      for (let q = 0; q < 5; q++) {
        const query = queries.subarray(q * DIM, (q + 1) * DIM);
        const exact = docs.map((_, row) => distance(metric, queries, q, train, row, DIM));
        const order = exact.map((_, row) => row).sort((a, b) => exact[a] - exact[b]);
        const hits = await target.search(id, query, K);
        assert.equal(hits.length, K);
        for (const hit of hits) {
          const row = docs.findIndex((d) => d.id === hit.id);
          assert.ok(row >= 0, `hit ${hit.id} is a stored document`);
          assert.equal(hit.externalId, String(row));
          const want = exactScore(metric, exact[row]);
          assert.ok(
            Math.abs(hit.score - want) <= 1e-4 * Math.max(1, Math.abs(want)),
            `${metric} score of row ${row}: got ${hit.score}, exact ${want}`,
          );
        }
        for (let i = 1; i < hits.length; i++) {
          const better = metric === "l2" ? hits[i - 1].score <= hits[i].score + 1e-6 : hits[i - 1]
            .score >= hits[i].score - 1e-6;
          assert.ok(better, `${metric}: hits best first`);
        }
        const top = new Set(order.slice(0, K).map((row) => docs[row].id));
        found += hits.filter((h) => top.has(h.id)).length;
      }
      assert.ok(found >= 0.9 * 5 * K, `${metric}: recall@${K} ${found / (5 * K)} on 200 vectors`);

      // A query formatted ahead, as a run's measured queries are, is sent from its cached body:
      // the answer of the same vector formatted on the send path, at each k.
      const query = queries.subarray(0, DIM);
      const ahead = Float32Array.from(query);
      encodeAhead([ahead]);
      const direct = await target.search(id, query, K);
      for (const k of [K, K, 3]) {
        assert.deepEqual(await target.search(id, ahead, k), direct.slice(0, k), `ahead, k=${k}`);
      }

      // Read back as the integrity check does: equal up to float32 rounding (Chroma's JSON
      // parser rounds some floats to a neighbouring float32).
      const back = await target.get(id, docs[3].id);
      assert.deepEqual({ ...back, vector: null }, {
        id: docs[3].id,
        externalId: "3",
        vector: null,
      });
      assert.ok(sameVector(back!.vector, docs[3].vector, metric), "vector read back");
      const single = { id: newId(), vector: Float32Array.from(vectors(1, 5)) };
      await target.insert(id, single);
      const again = await target.get(id, single.id);
      assert.equal(again?.externalId, null);
      assert.ok(sameVector(again!.vector, single.vector, metric), "single insert read back");
      assert.equal(await target.get(id, newId()), null, "an absent document reads as null");

      const info = await target.getCollection(id);
      assert.deepEqual(info, { id, name, dimension: DIM, metric, documentCount: ROWS + 1 });
      assert.ok((await target.listCollections()).some((c) => c.id === id && c.name === name));

      await target.delete(id, docs[0].id);
      assert.equal(await target.get(id, docs[0].id), null);
      const self = await target.search(id, docs[0].vector, K);
      assert.ok(!self.some((h) => h.id === docs[0].id), "a deleted document is not found");
      assert.equal((await target.getCollection(id))?.documentCount, ROWS);

      await target.deleteCollection(id);
      assert.equal(await target.getCollection(id), null);
      assert.ok(!(await target.listCollections()).some((c) => c.id === id));
    });
  }

  await t.step("bad input: wrong dimension, unknown collection, expired deadline", async () => {
    const id = await target.createCollection({
      name: `akibench-bad-${newId().slice(0, 8)}`,
      dimension: DIM,
      metric: "cosine",
    });
    try {
      await target.insert(id, { id: newId(), vector: vectors(1, 1) });
      const short = { id: newId(), vector: new Float32Array(DIM - 1).fill(0.5) };
      assert.equal((await errorOf(target.insert(id, short))).errorClass, "http_4xx");
      const query = new Float32Array(DIM + 1).fill(0.5);
      assert.equal((await errorOf(target.search(id, query, K))).errorClass, "http_4xx");
      const late = target.search(id, vectors(1, 2), K, { signal: AbortSignal.abort() });
      assert.equal((await errorOf(late)).errorClass, "timeout");
    } finally {
      await target.deleteCollection(id);
    }
    const unknown = crypto.randomUUID();
    assert.equal(await target.getCollection(unknown), null);
    // One call at a time: a call started early could reject while an earlier one is awaited,
    // before anything handles it (an uncaught rejection fails the whole file).
    for (
      const call of [
        () => target.search(unknown, vectors(1, 3), K),
        () => target.insert(unknown, { id: newId(), vector: vectors(1, 3) }),
        () => target.deleteCollection(unknown),
      ]
    ) {
      assert.equal((await errorOf(call())).errorClass, "http_4xx");
    }
  });
}

/** True while a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** The command line of a running process (arguments joined by spaces). */
export function commandLine(pid: number): string {
  return Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").join(" ");
}

/**
 * A top-100 search against the exact top 100 of 2000 vectors (cosine): the target returns k
 * hits, not a capped number (pgvector's default hnsw.ef_search of 40 would return 40). 2000
 * rows: enough that Postgres plans the HNSW index scan (at 400 it sorts a sequential scan, exact
 * whatever ef_search is).
 */
export async function checkDeepSearch(t: Deno.TestContext, target: ScenarioTarget) {
  await t.step("k = 100: 100 hits, recall@100 against the exact top 100", async () => {
    const rows = 2000;
    const deep = 100;
    const id = await target.createCollection({
      name: `akibench-deep-${newId().slice(0, 8)}`,
      dimension: DIM,
      metric: "cosine",
    });
    try {
      const train = vectors(rows, 11);
      const docs: Document[] = Array.from({ length: rows }, (_, row) => ({
        id: newId(),
        vector: train.subarray(row * DIM, (row + 1) * DIM),
      }));
      await target.insertBatch!(id, docs);
      const queries = vectors(3, 13);
      for (let q = 0; q < 3; q++) {
        const exact = docs.map((_, row) => distance("cosine", queries, q, train, row, DIM));
        const order = exact.map((_, row) => row).sort((a, b) => exact[a] - exact[b]);
        const top = new Set(order.slice(0, deep).map((row) => docs[row].id));
        const hits = await target.search(id, queries.subarray(q * DIM, (q + 1) * DIM), deep);
        assert.equal(hits.length, deep);
        const found = hits.filter((h) => top.has(h.id)).length;
        assert.ok(found >= 0.9 * deep, `recall@${deep} ${found / deep}`);
      }
    } finally {
      await target.deleteCollection(id);
    }
  });
}
