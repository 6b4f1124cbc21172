import type { Metric } from "./metric.ts";

/**
 * A dataset in memory: base vectors, query vectors and their exact ground truth, all row-major.
 * Ids are 0-based row indices into `train`. Distances follow ann-benchmarks: cosine → angular
 * distance 1 − cos, l2 → Euclidean distance, dot → −(q·x); ascending, ties broken by lower id.
 */
export interface Dataset {
  /** Short name, e.g. "clustered-10000x512-cosine-s42". */
  name: string;
  metric: Metric;
  /** Number of base vectors. */
  size: number;
  dim: number;
  /** Number of query vectors. */
  queries: number;
  /** Ground-truth depth. */
  k: number;
  train: Float32Array;
  test: Float32Array;
  neighbors: Int32Array;
  distances: Float32Array;
  /** Content hash (hex sha-256 of the vectors and ground truth), recorded in the file. */
  hash: string;
}

/** What a generated dataset is made from; with the generator version it keys the cache. */
export interface GenerateParams {
  size: number;
  dim: number;
  queries: number;
  k: number;
  metric: Metric;
  distribution: "clustered" | "uniform";
  /** Gaussian-mixture components for "clustered". */
  clusters: number;
  seed: number;
}
