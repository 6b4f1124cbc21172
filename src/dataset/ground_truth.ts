import type { Metric } from "./metric.ts";

/** Exact top-k neighbours of each query: `queries × k` row-major ids and distances. */
export interface GroundTruth {
  k: number;
  neighbors: Int32Array;
  distances: Float32Array;
}

/**
 * Brute-force exact top-k over `base` for every query. Distances follow ann-benchmarks
 * (cosine → 1 − cos, l2 → Euclidean, dot → −q·x), ascending, ties broken by lower id.
 * Throws RangeError when `k` exceeds the number of base rows or shapes do not match `dim`.
 */
export function computeGroundTruth(
  base: Float32Array,
  queries: Float32Array,
  dim: number,
  k: number,
  metric: Metric,
  options: { workers?: number; onProgress?: (doneQueries: number, totalQueries: number) => void } =
    {},
): Promise<GroundTruth> {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be ≥ 1, got ${dim}`);
  if (base.length % dim !== 0) {
    throw new RangeError(`base length ${base.length} not a multiple of dim ${dim}`);
  }
  if (queries.length % dim !== 0) {
    throw new RangeError(`queries length ${queries.length} not a multiple of dim ${dim}`);
  }
  const n = base.length / dim;
  const q = queries.length / dim;
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`k = ${k} must be an integer between 0 and the ${n} base vectors`);
  }
  const norms = (m: Float32Array, rows: number) => {
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += m[r * dim + j] * m[r * dim + j];
      out[r] = Math.sqrt(s);
    }
    return out;
  };
  const bn = norms(base, n);
  const qn = norms(queries, q);
  const neighbors = new Int32Array(q * k);
  const distances = new Float32Array(q * k);
  const dist = new Float32Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < q; i++) {
    for (let r = 0; r < n; r++) {
      let dot = 0, l2 = 0;
      for (let j = 0; j < dim; j++) {
        const a = queries[i * dim + j], b = base[r * dim + j];
        dot += a * b;
        l2 += (a - b) * (a - b);
      }
      const den = qn[i] * bn[r];
      dist[r] = metric === "dot"
        ? -dot
        : metric === "l2"
        ? Math.sqrt(l2)
        : 1 - (den > 0 ? dot / den : 0);
      order[r] = r;
    }
    order.sort((a, b) => dist[a] - dist[b] || a - b);
    for (let j = 0; j < k; j++) {
      neighbors[i * k + j] = order[j];
      distances[i * k + j] = dist[order[j]];
    }
    options.onProgress?.(i + 1, q);
  }
  return Promise.resolve({ k, neighbors, distances });
}
