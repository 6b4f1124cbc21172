import type { Dataset } from "./dataset.ts";
import { distance } from "./distance.ts";
import { computeGroundTruth } from "./ground_truth.ts";

/** One ground-truth entry that disagrees with a fresh exact search. */
export interface GroundTruthMismatch {
  query: number;
  rank: number;
  storedId: number;
  storedDistance: number;
  /** The true distance of the stored id from the query. */
  actualDistance: number;
  /** The distance at this rank in the recomputed ground truth. */
  expectedDistance: number;
}

export interface VerifyReport {
  /** Query indices that were checked, ascending. */
  checked: number[];
  mismatches: GroundTruthMismatch[];
}

/** Distances agree when within 1e-4 · max(1, |d|): float32 vs float64 accumulation noise. */
function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** `count` query indices spread evenly over [0, queries), always including 0. */
export function sampleQueries(queries: number, count: number): number[] {
  const n = Math.min(queries, Math.max(1, count));
  return Array.from({ length: n }, (_, i) => Math.floor((i * queries) / n));
}

/**
 * Recomputes the exact ground truth of the sampled queries and compares it rank by rank. An entry
 * is a mismatch when its stored distance is not the distance at that rank, or is not the real
 * distance of its stored id; ids may differ between equally distant neighbours (ties).
 */
export async function verifyGroundTruth(
  dataset: Dataset,
  sample: number[],
): Promise<VerifyReport> {
  const { dim, k, metric } = dataset;
  const queries = new Float32Array(sample.length * dim);
  sample.forEach((q, i) => queries.set(dataset.test.subarray(q * dim, (q + 1) * dim), i * dim));
  const truth = await computeGroundTruth(dataset.train, queries, dim, k, metric);
  const mismatches: GroundTruthMismatch[] = [];
  sample.forEach((query, i) => {
    for (let rank = 0; rank < k; rank++) {
      const storedId = dataset.neighbors[query * k + rank];
      const storedDistance = dataset.distances[query * k + rank];
      const expectedDistance = truth.distances[i * k + rank];
      const actualDistance = distance(metric, dataset.test, query, dataset.train, storedId, dim);
      if (!close(storedDistance, expectedDistance) || !close(storedDistance, actualDistance)) {
        mismatches.push({
          query,
          rank,
          storedId,
          storedDistance,
          actualDistance,
          expectedDistance,
        });
      }
    }
  });
  return { checked: sample, mismatches };
}
