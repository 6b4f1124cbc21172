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
