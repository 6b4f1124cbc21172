/**
 * Reduces a time series to at most `maxPoints` by grouping consecutive points into equal buckets
 * and combining each bucket with `combine` (e.g. max of a percentile, mean of a rate).
 * Returns the input unchanged when it is short enough.
 */
export function downsample<T, U>(
  points: T[],
  maxPoints: number,
  combine: (bucket: T[]) => U,
): { points: U[]; bucketSize: number } {
  const bucketSize = Math.max(1, Math.ceil(points.length / maxPoints));
  const out: U[] = [];
  for (let i = 0; i < points.length; i += bucketSize) {
    out.push(combine(points.slice(i, i + bucketSize)));
  }
  return { points: out, bucketSize };
}

/** Mean of the non-null values, or null when there are none. */
export function meanOf(values: (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Max of the non-null values, or null when there are none. */
export function maxOf(values: (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length === 0 ? null : Math.max(...xs);
}
