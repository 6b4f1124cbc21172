/**
 * Zipf-distributed ranks over `n` items: P(rank i) ∝ 1 / (i + 1)^s, rank 0 the most popular.
 * Sampling inverts the cumulative distribution with a binary search (O(log n)).
 */
export class ZipfSampler {
  readonly #cdf: Float64Array;

  constructor(n: number, s: number) {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`n must be a positive integer, got ${n}`);
    }
    if (!(s > 0)) throw new RangeError(`s must be > 0, got ${s}`);
    this.#cdf = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) this.#cdf[i] = sum += 1 / Math.pow(i + 1, s);
    for (let i = 0; i < n; i++) this.#cdf[i] /= sum;
  }

  /** The rank for a uniform draw `u` in [0, 1). */
  rank(u: number): number {
    let lo = 0, hi = this.#cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Probability of `rank`. */
  probability(rank: number): number {
    return this.#cdf[rank] - (rank === 0 ? 0 : this.#cdf[rank - 1]);
  }
}
