import { RANDOM_STREAM, SeededRandom } from "../random/seeded_random.ts";
import type { DecodedHistogram } from "./histogram_decode.ts";

/** Replicates per interval: enough for stable 2.5 % and 97.5 % points. */
export const BOOTSTRAP_REPLICATES = 2000;
/** Two-sided confidence of the intervals compare reports. */
export const CONFIDENCE = 0.95;
/** The fixed seed: the same two runs always get the same intervals. */
export const BOOTSTRAP_SEED = 20261205;

/**
 * Seeded bootstrap intervals for the difference of a latency percentile between two runs. Each
 * run's requests are resampled with replacement from its HDR histogram. This needs no
 * simulation of single requests: in a resample of n values, the m-th smallest is the original's
 * order statistic number ⌈n·U⌉, with U ~ Beta(m, n − m + 1) (the m-th smallest of n uniforms),
 * so one Beta draw per replicate and run gives that replicate's percentile exactly.
 */
export class PercentileBootstrap {
  readonly #random: SeededRandom;

  constructor(seed = BOOTSTRAP_SEED) {
    this.#random = new SeededRandom(seed, RANDOM_STREAM.bootstrap);
  }

  /**
   * The CONFIDENCE interval (ms) of next − base for percentile `p` (0..100), histograms in µs;
   * null when either is empty.
   */
  differenceInterval(
    base: DecodedHistogram,
    next: DecodedHistogram,
    p: number,
  ): [number, number] | null {
    if (base.totalCount === 0 || next.totalCount === 0) return null;
    const b = this.#replicates(base, p), n = this.#replicates(next, p);
    const d = n.map((x, i) => x - b[i]).sort((x, y) => x - y);
    const tail = (1 - CONFIDENCE) / 2;
    const at = (q: number) => d[Math.min(d.length - 1, Math.floor(q * d.length))];
    return [at(tail) / 1000, at(1 - tail) / 1000];
  }

  /** BOOTSTRAP_REPLICATES resampled values (µs) of percentile p of h. */
  #replicates(h: DecodedHistogram, p: number): number[] {
    const n = h.totalCount;
    // The rank hdr-histogram-js reads percentile p at.
    const m = Math.min(n, Math.max(1, Math.floor((p / 100) * n + 0.5)));
    const cache = new Map<number, number>();
    const valueAtRank = (rank: number) => {
      let v = cache.get(rank);
      if (v === undefined) cache.set(rank, v = h.getValueAtPercentile((100 * rank) / n));
      return v;
    };
    return Array.from({ length: BOOTSTRAP_REPLICATES }, () => {
      const u = this.#beta(m, n - m + 1);
      return valueAtRank(Math.min(n, Math.max(1, Math.ceil(n * u))));
    });
  }

  #beta(a: number, b: number): number {
    const x = this.#gamma(a);
    return x / (x + this.#gamma(b));
  }

  /** Gamma(shape k ≥ 1, scale 1) by Marsaglia and Tsang's method. */
  #gamma(k: number): number {
    const d = k - 1 / 3, c = 1 / Math.sqrt(9 * d);
    while (true) {
      let x: number, v: number;
      do {
        x = this.#normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.#uniform();
      if (u < 1 - 0.0331 * x ** 4) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Standard normal (Box–Muller; one of the pair is enough here). */
  #normal(): number {
    return Math.sqrt(-2 * Math.log(this.#uniform())) * Math.cos(2 * Math.PI * this.#random.next());
  }

  /** Uniform in (0, 1): never 0, so logarithms stay finite. */
  #uniform(): number {
    return 1 - this.#random.next();
  }
}
