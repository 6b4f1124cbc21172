/**
 * Final, exact ranking of each query's candidates. The SIMD scan ranks in float32 (one long
 * sequential sum per distance, error ~1e-6 relative), so it keeps a few more than k candidates;
 * here every candidate's distance is recomputed in float64, rounded once to float32, and ranked
 * by (distance, id) — the result no longer depends on float32 summation error.
 */
import type { Metric } from "./metric.ts";
import { distance } from "./distance.ts";
import { ranksBefore } from "./ground_truth_topk.ts";

/** Candidates the scan keeps per query for a final top-k. */
export function candidateCount(k: number, n: number): number {
  return Math.min(n, k + Math.max(16, Math.ceil(k / 4)));
}

/**
 * Keeps the best `k` of each query's `width` candidates (`candidates` is `queries × width`
 * row-major) by float64 distance rounded to float32, ties by lower id.
 */
export function refineTopK(
  base: Float32Array,
  queries: Float32Array,
  dim: number,
  metric: Metric,
  candidates: Int32Array,
  width: number,
  k: number,
): { neighbors: Int32Array; distances: Float32Array } {
  const q = queries.length / dim;
  const neighbors = new Int32Array(q * k);
  const distances = new Float32Array(q * k);
  const dist = new Float32Array(width);
  const order = Array.from({ length: width }, (_, i) => i);
  for (let qi = 0; qi < q; qi++) {
    const ids = candidates.subarray(qi * width, (qi + 1) * width);
    for (let j = 0; j < width; j++) {
      dist[j] = distance(metric, queries, qi, base, ids[j], dim);
      order[j] = j;
    }
    order.sort((a, b) => (ranksBefore(dist[a], ids[a], dist[b], ids[b]) ? -1 : 1));
    for (let j = 0; j < k; j++) {
      neighbors[qi * k + j] = ids[order[j]];
      distances[qi * k + j] = dist[order[j]];
    }
  }
  return { neighbors, distances };
}
