/**
 * A small seeded PRNG (mulberry32 over a splitmix32-mixed seed): the same seed always yields the
 * same sequence, so rate profiles and Poisson arrivals are reproducible.
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number, stream = 0) {
    this.#state = mix32((Math.trunc(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }

  /** Exponentially distributed with mean 1. */
  exponential(): number {
    return -Math.log(1 - this.next());
  }
}

function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
