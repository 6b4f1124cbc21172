/**
 * Recall of one query's search result against its exact ground truth.
 *
 * - {@link recallByIds}: |found[0..k) ∩ expected[0..k)| / k.
 * - {@link recallByDistance}: the ann-benchmarks definition — a returned neighbour is a hit when
 *   its distance is ≤ the k-th true distance + ε (ε = 1e-3), which counts ties as hits.
 *
 * `expected` rows come from Dataset.neighbors / Dataset.distances (row q is
 * `subarray(q * dataset.k, q * dataset.k + k)`); k may be less than the dataset's depth.
 */
export const RECALL_EPSILON = 1e-3;

function checkK(k: number, expectedLength: number): void {
  if (!Number.isInteger(k) || k < 1 || k > expectedLength) {
    throw new RangeError(`recall k must be an integer from 1 to ${expectedLength}, got ${k}`);
  }
}

/** Fraction of the true top-k ids found among the first k returned ids (duplicates count once). */
export function recallByIds(
  expected: ArrayLike<number>,
  found: ArrayLike<number>,
  k: number,
): number {
  checkK(k, expected.length);
  const truth = new Set<number>();
  for (let i = 0; i < k; i++) truth.add(expected[i]);
  let hits = 0;
  const limit = Math.min(k, found.length);
  for (let i = 0; i < limit; i++) {
    if (truth.delete(found[i])) hits++;
  }
  return hits / k;
}

/**
 * ann-benchmarks recall: the share of the first k returned distances that are ≤ the k-th
 * true distance + `epsilon`.
 */
export function recallByDistance(
  expectedDistances: ArrayLike<number>,
  foundDistances: ArrayLike<number>,
  k: number,
  epsilon = RECALL_EPSILON,
): number {
  checkK(k, expectedDistances.length);
  const threshold = expectedDistances[k - 1] + epsilon;
  let hits = 0;
  const limit = Math.min(k, foundDistances.length);
  for (let i = 0; i < limit; i++) {
    if (foundDistances[i] <= threshold) hits++;
  }
  return hits / k;
}
