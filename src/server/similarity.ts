import type { CollectionMetric } from "./collection_meta.ts";

/**
 * Exact score of `query` against the vector at `data[offset ..]` (no view is made, so scanning
 * many vectors allocates nothing), higher is better: cosine similarity, negative Euclidean
 * distance (l2), or inner product (dot). Four accumulators let the loop pipeline: 512-d cosine
 * takes ~0.32 µs per vector here, against ~0.88 µs with one (scratch timing, 2026-11-28).
 */
export function similarity(
  metric: CollectionMetric,
  query: Float32Array,
  queryNorm: number,
  data: Float32Array,
  offset: number,
  vectorNorm: number,
): number {
  const n = query.length;
  const tail = n & ~3;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  if (metric === "l2") {
    let i = 0;
    for (; i < tail; i += 4) {
      const o = offset + i;
      const d0 = query[i] - data[o], d1 = query[i + 1] - data[o + 1];
      const d2 = query[i + 2] - data[o + 2], d3 = query[i + 3] - data[o + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < n; i++) {
      const d = query[i] - data[offset + i];
      s0 += d * d;
    }
    return -Math.sqrt(s0 + s1 + s2 + s3);
  }
  let i = 0;
  for (; i < tail; i += 4) {
    const o = offset + i;
    s0 += query[i] * data[o];
    s1 += query[i + 1] * data[o + 1];
    s2 += query[i + 2] * data[o + 2];
    s3 += query[i + 3] * data[o + 3];
  }
  for (; i < n; i++) s0 += query[i] * data[offset + i];
  const dot = s0 + s1 + s2 + s3;
  return metric === "dot" ? dot : dot / (queryNorm * vectorNorm);
}

/** The contract's `distance` for a score: cosine similarity, l2 distance, dot product. */
export function scoreToDistance(metric: CollectionMetric, score: number): number {
  return metric === "l2" ? -score : score;
}
