/**
 * The stream of every consumer of seeded randomness: no two consumers ever draw the same numbers.
 * (Poisson gaps and request choices once shared stream 1000 + i, so a run's first gap was a
 * function of its first collection pick.) Families marked "+ i" take one stream per load stream
 * (tenant) i < {@link LOAD_STREAMS_MAX}; their ranges do not overlap each other or a fixed id.
 */
export const RANDOM_STREAM = {
  /** report/bootstrap.ts: percentile resampling of compare reports. */
  bootstrap: 0,
  /** report/second_bootstrap.ts: per-second resampling of compare reports. */
  secondBootstrap: 1,
  /** + i: Poisson gaps of load stream i (load/arrival_schedule.ts). */
  arrivals: 1000,
  /** load/rate_profile.ts: the random-walk profile (seeded per tenant through its seed). */
  rateProfile: 0x7a11,
  /** + i: request choices of load stream i (plan/request_plan.ts). */
  requests: 0x10000,
} as const;

/** Load streams a run may have: plan doc ids hold the stream index in 14 bits. */
export const LOAD_STREAMS_MAX = 0x4000;

/** The generator of load stream `index` in a per-load-stream family of {@link RANDOM_STREAM}. */
export function loadStreamRandom(
  seed: number,
  family: "arrivals" | "requests",
  index: number,
): SeededRandom {
  if (!Number.isInteger(index) || index < 0 || index >= LOAD_STREAMS_MAX) {
    throw new RangeError(`load stream index ${index} is outside [0, ${LOAD_STREAMS_MAX})`);
  }
  return new SeededRandom(seed, RANDOM_STREAM[family] + index);
}

/**
 * A small seeded PRNG (mulberry32 over a splitmix32-mixed seed): the same seed always yields the
 * same sequence, so rate profiles and Poisson arrivals are reproducible.
 */
export class SeededRandom {
  readonly #next: () => number;

  constructor(seed: number, stream = 0) {
    this.#next = mulberry32(mix32((Math.trunc(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** Exponentially distributed with mean 1. */
  exponential(): number {
    return -Math.log(1 - this.next());
  }
}

/** mulberry32 from a 32-bit state: uniform numbers in [0, 1), 32 random bits each. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
