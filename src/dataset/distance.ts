import type { Metric } from "./metric.ts";

/**
 * The ann-benchmarks distance between row `i` of `a` and row `j` of `b` (both row-major with
 * `dim` columns), accumulated in float64: cosine → 1 − cos (0 when a norm is 0), l2 → Euclidean,
 * dot → −(a·b).
 */
export function distance(
  metric: Metric,
  a: Float32Array,
  i: number,
  b: Float32Array,
  j: number,
  dim: number,
): number {
  const ao = i * dim;
  const bo = j * dim;
  if (metric === "l2") {
    let sum = 0;
    for (let t = 0; t < dim; t++) {
      const diff = a[ao + t] - b[bo + t];
      sum += diff * diff;
    }
    return Math.sqrt(sum);
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let t = 0; t < dim; t++) {
    dot += a[ao + t] * b[bo + t];
    na += a[ao + t] * a[ao + t];
    nb += b[bo + t] * b[bo + t];
  }
  if (metric === "dot") return -dot;
  const denominator = Math.sqrt(na) * Math.sqrt(nb);
  return denominator > 0 ? 1 - dot / denominator : 1;
}
