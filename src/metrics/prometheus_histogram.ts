/**
 * Upper bounds (seconds) of the live request-latency histogram. Fine steps up to 30 ms and every
 * latency limit of the bundled scenarios (25, 50, 100 ms) is a bound, so histogram_quantile can
 * tell a P95 just under a limit from one just over it.
 */
export const LATENCY_BUCKETS_S = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.0075,
  0.01,
  0.0125,
  0.015,
  0.0175,
  0.02,
  0.025,
  0.03,
  0.04,
  0.05,
  0.075,
  0.1,
  0.15,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/** Upper bounds (seconds) of the schedule-lag histogram: how late the generator sends. */
export const LAG_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1];

/** A PromHistogram's counts as plain data (posted from a load worker). */
export interface PromHistogramData {
  counts: number[];
  sumS: number;
  count: number;
}

/**
 * A Prometheus classic histogram: a count per bucket (not cumulative, +Inf last), the sum and
 * the count. Recording is a binary search over the bounds and two additions.
 */
export class PromHistogram {
  readonly boundsMs: number[];
  readonly counts: number[];
  sumS = 0;
  count = 0;

  constructor(readonly boundsS: number[]) {
    this.boundsMs = boundsS.map((b) => b * 1000);
    this.counts = new Array(boundsS.length + 1).fill(0);
  }

  recordMs(ms: number): void {
    const bounds = this.boundsMs;
    let lo = 0, hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ms <= bounds[mid]) hi = mid;
      else lo = mid + 1;
    }
    this.counts[lo]++;
    this.sumS += ms / 1000;
    this.count++;
  }

  /** Adds another histogram's counts (same bounds). */
  add(other: PromHistogramData): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    this.sumS += other.sumS;
    this.count += other.count;
  }

  /** Back to no observations. */
  reset(): void {
    this.counts.fill(0);
    this.sumS = 0;
    this.count = 0;
  }

  data(): PromHistogramData {
    return { counts: [...this.counts], sumS: this.sumS, count: this.count };
  }
}
