import type { CollectionMetric } from "./collection_meta.ts";

/**
 * Exact score of `vector` for `query`, higher is better: cosine similarity, negative Euclidean
 * distance (l2), or inner product (dot).
 */
export function similarity(
  metric: CollectionMetric,
  query: Float32Array,
  queryNorm: number,
  vector: Float32Array,
  vectorNorm: number,
): number {
  if (metric === "l2") {
    let sum = 0;
    for (let i = 0; i < query.length; i++) {
      const d = query[i] - vector[i];
      sum += d * d;
    }
    return -Math.sqrt(sum);
  }
  let dot = 0;
  for (let i = 0; i < query.length; i++) dot += query[i] * vector[i];
  return metric === "dot" ? dot : dot / (queryNorm * vectorNorm);
}

/** The contract's `distance` for a score: cosine similarity, l2 distance, dot product. */
export function scoreToDistance(metric: CollectionMetric, score: number): number {
  return metric === "l2" ? -score : score;
}
