import type { Metric } from "./metric.ts";

/**
 * The ann-benchmarks distance between row `i` of `a` and row `j` of `b` (both row-major with
 * `dim` columns), accumulated in float64: cosine → 1 − cos (1 when a norm is 0), l2 → Euclidean,
 * dot → −(a·b). The one float64 distance of akibench: the exact ground truth ranks by it (rounded
 * once to float32), and verification and recall recompute it. Cosine divides by √(‖a‖²·‖b‖²),
 * one square root of the exact-as-float64 product (two roundings), not ‖a‖·‖b‖ (three).
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
  return na > 0 && nb > 0 ? 1 - dot / Math.sqrt(na * nb) : 1;
}
