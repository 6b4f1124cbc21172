import assert from "node:assert/strict";
import { computeGroundTruth, type GroundTruth } from "../src/dataset/ground_truth.ts";
import type { Metric } from "../src/dataset/metric.ts";

/** Seeded integers in [-range, range] (small, so every dot product and square is exact in f32). */
function integerVectors(count: number, dim: number, seed: number, range = 3): Float32Array {
  const out = new Float32Array(count * dim);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s >>> 16) % (2 * range + 1) - range;
  }
  return out;
}

/** Seeded non-integer vectors in [-1, 1). */
function floatVectors(count: number, dim: number, seed: number): Float32Array {
  const out = new Float32Array(count * dim);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

/** Float64 distance of query row qi to base row xi, rounded to f32 like the result. */
function naiveDistance(
  base: Float32Array,
  queries: Float32Array,
  dim: number,
  qi: number,
  xi: number,
  metric: Metric,
): number {
  let dot = 0, l2 = 0, qq = 0, xx = 0;
  for (let d = 0; d < dim; d++) {
    const a = queries[qi * dim + d];
    const b = base[xi * dim + d];
    dot += a * b;
    l2 += (a - b) * (a - b);
    qq += a * a;
    xx += b * b;
  }
  if (metric === "dot") return Math.fround(-dot);
  if (metric === "l2") return Math.fround(Math.sqrt(l2));
  return Math.fround(qq > 0 && xx > 0 ? 1 - dot / Math.sqrt(qq * xx) : 1);
}

/** The reference: full sort of every distance, ties by lower id. */
function naiveGroundTruth(
  base: Float32Array,
  queries: Float32Array,
  dim: number,
  k: number,
  metric: Metric,
): GroundTruth {
  const n = base.length / dim;
  const q = queries.length / dim;
  const neighbors = new Int32Array(q * k);
  const distances = new Float32Array(q * k);
  for (let qi = 0; qi < q; qi++) {
    const all = Array.from({ length: n }, (_, id) => ({
      id,
      dist: naiveDistance(base, queries, dim, qi, id, metric),
    }));
    all.sort((a, b) => a.dist - b.dist || a.id - b.id);
    for (let j = 0; j < k; j++) {
      neighbors[qi * k + j] = all[j].id;
      distances[qi * k + j] = all[j].dist;
    }
  }
  return { k, neighbors, distances };
}

/** Copies base rows `from` onto rows `to` (creates exact ties). */
function duplicateRows(base: Float32Array, dim: number, pairs: [number, number][]): void {
  for (const [from, to] of pairs) base.copyWithin(to * dim, from * dim, (from + 1) * dim);
}

Deno.test("dot and l2 match the naive reference exactly, ties by lower id", async () => {
  const dim = 11;
  const base = integerVectors(301, dim, 1);
  duplicateRows(base, dim, [[7, 100], [7, 250], [40, 41], [200, 3]]);
  const queries = integerVectors(9, dim, 2);
  queries.set(base.subarray(7 * dim, 8 * dim), 0); // query 0 equals rows 7, 100, 250
  for (const metric of ["dot", "l2"] as const) {
    const got = await computeGroundTruth(base, queries, dim, 20, metric, { workers: 2 });
    const want = naiveGroundTruth(base, queries, dim, 20, metric);
    assert.deepEqual(got.neighbors, want.neighbors, metric);
    assert.deepEqual(got.distances, want.distances, metric);
  }
  const l2 = await computeGroundTruth(base, queries, dim, 3, "l2");
  assert.deepEqual([...l2.neighbors.subarray(0, 3)], [7, 100, 250]);
  assert.deepEqual([...l2.distances.subarray(0, 3)], [0, 0, 0]);
});

Deno.test("cosine matches the naive reference; zero vectors are at distance 1", async () => {
  const dim = 6;
  const base = integerVectors(150, dim, 3);
  duplicateRows(base, dim, [[9, 120], [9, 60]]);
  base.fill(0, 30 * dim, 31 * dim); // zero base vector
  const queries = integerVectors(6, dim, 4);
  queries.set(base.subarray(9 * dim, 10 * dim), 0);
  queries.fill(0, 5 * dim, 6 * dim); // zero query
  const k = 150;
  const got = await computeGroundTruth(base, queries, dim, k, "cosine");
  const want = naiveGroundTruth(base, queries, dim, k, "cosine");
  assert.deepEqual(got, want);
  assert.ok(!got.distances.some(Number.isNaN));
  assert.deepEqual([...got.neighbors.subarray(0, 3)], [9, 60, 120]);
  const zeroRow = got.neighbors.subarray(k, 2 * k).indexOf(30);
  assert.equal(got.distances[k + zeroRow], 1);
  // the zero query is at distance 1 from everything: ids in order
  assert.deepEqual([...got.neighbors.subarray(5 * k)], Array.from({ length: k }, (_, i) => i));
  assert.ok(got.distances.subarray(5 * k).every((d) => d === 1));
});

Deno.test("k = n returns every row in order, for sizes that do not fill a SIMD panel", async () => {
  const dim = 5;
  const base = integerVectors(13, dim, 5);
  duplicateRows(base, dim, [[12, 0]]);
  const queries = integerVectors(3, dim, 6);
  for (const metric of ["dot", "l2"] as const) {
    const got = await computeGroundTruth(base, queries, dim, 13, metric, { workers: 3 });
    const want = naiveGroundTruth(base, queries, dim, 13, metric);
    assert.deepEqual(got, want);
    for (let qi = 0; qi < 3; qi++) {
      assert.deepEqual(
        [...got.neighbors.subarray(qi * 13, (qi + 1) * 13)].sort((a, b) => a - b),
        Array.from({ length: 13 }, (_, i) => i),
      );
    }
  }
});

Deno.test("1, 2, 3 workers and a shared base all give the naive result", async () => {
  const dim = 64;
  const n = 5000; // several batches per worker and two kernel tiles per batch
  const base = floatVectors(n, dim, 7);
  duplicateRows(base, dim, [[17, 4000], [17, 2600]]);
  const queries = floatVectors(10, dim, 8);
  queries.set(base.subarray(17 * dim, 18 * dim), 3 * dim);
  const shared = new Float32Array(new SharedArrayBuffer(base.byteLength));
  shared.set(base);
  for (const metric of ["cosine", "l2", "dot"] as const) {
    const one = await computeGroundTruth(base, queries, dim, 50, metric, { workers: 1 });
    for (const workers of [2, 3]) {
      assert.deepEqual(await computeGroundTruth(base, queries, dim, 50, metric, { workers }), one);
    }
    assert.deepEqual(await computeGroundTruth(shared, queries, dim, 50, metric), one);
    // float32 ranking plus float64 refinement reproduces the float64 reference exactly
    assert.deepEqual(one, naiveGroundTruth(base, queries, dim, 50, metric));
    if (metric !== "dot") {
      assert.deepEqual([...one.neighbors.subarray(3 * 50, 3 * 50 + 3)], [17, 2600, 4000]);
    }
  }
});

Deno.test("progress, a throwing callback, and bad input (RangeError)", async () => {
  const dim = 4;
  const base = integerVectors(40, dim, 9);
  const queries = integerVectors(5, dim, 10);
  const seen: number[] = [];
  await computeGroundTruth(base, queries, dim, 4, "dot", {
    workers: 2,
    onProgress: (done, total) => {
      assert.equal(total, 5);
      seen.push(done);
    },
  });
  assert.equal(seen.at(-1), 5);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  const stop = () => {
    throw new Error("stop");
  };
  await assert.rejects(computeGroundTruth(base, queries, dim, 4, "l2", { onProgress: stop }), {
    message: "stop",
  });
  assert.throws(() => computeGroundTruth(base, queries, dim, 41, "dot"), RangeError);
  assert.throws(() => computeGroundTruth(base, queries, 3, 4, "dot"), RangeError);
  assert.throws(() => computeGroundTruth(base, queries, dim, 4, "dot", { workers: 0 }), RangeError);
  const none = await computeGroundTruth(base, queries, dim, 0, "l2");
  assert.deepEqual(none, { k: 0, neighbors: new Int32Array(0), distances: new Float32Array(0) });
});
