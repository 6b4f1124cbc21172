/**
 * Seeded pseudo-random numbers, exactly specified so that the same seed gives the same numbers
 * on every machine and JavaScript engine.
 *
 * - {@link SplitMix64} (Steele, Lea & Flood 2014) expands a 64-bit key into well-mixed 64-bit
 *   words; it is only used to seed streams, with BigInt arithmetic modulo 2^64.
 * - {@link Xoshiro128ss} (xoshiro128** 1.1, Blackman & Vigna 2018) is the fast generator: 32-bit
 *   integer operations only (`Math.imul`, shifts, xor), so every output is bit-exact everywhere.
 *
 * A stream is identified by (seed, stream, block) — see {@link streamRandom} — so independent
 * parts of a dataset (base-vector blocks, queries, cluster centres) can be generated in any
 * order, or in parallel, and still give identical bytes.
 */

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;
const TWO_POW_MINUS_31 = 2 ** -31;

/** SplitMix64: a 64-bit counter passed through a bijective mixing function. */
export class SplitMix64 {
  #state: bigint;

  constructor(seed: bigint) {
    this.#state = seed & MASK64;
  }

  /** The next 64-bit output, as a BigInt in [0, 2^64). */
  next(): bigint {
    this.#state = (this.#state + GOLDEN_GAMMA) & MASK64;
    let z = this.#state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }
}

/** xoshiro128**: 128 bits of state, period 2^128 − 1, 32-bit outputs. */
export class Xoshiro128ss {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /**
   * Seeds the state from two 64-bit words of `seeder` (normally a SplitMix64): s0 = low and
   * s1 = high half of the first, s2/s3 of the second; an all-zero state becomes s0 = 1.
   */
  constructor(seeder: { next(): bigint }) {
    const a = seeder.next();
    const b = seeder.next();
    this.#s0 = Number(a & 0xffffffffn) | 0;
    this.#s1 = Number(a >> 32n) | 0;
    this.#s2 = Number(b & 0xffffffffn) | 0;
    this.#s3 = Number(b >> 32n) | 0;
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** The next output as an unsigned 32-bit integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.#s1;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result;
  }

  /** A uniform integer in [0, n) for 0 < n ≤ 2^21: floor(u32 · n / 2^32), exact in float64. */
  nextBelow(n: number): number {
    return Math.floor(this.nextUint32() * n / 4294967296);
  }

  /** A uniform float64 in [−1, 1) with 32 random bits: u32 · 2^−31 − 1 (exact). */
  nextSigned(): number {
    return this.nextUint32() * TWO_POW_MINUS_31 - 1;
  }
}

/** Stream ids used by the generators; each names an independent family of streams. */
export const STREAM = { centres: 1, base: 2, queries: 3 } as const;

/**
 * The generator for (seed, stream, block): the seed is mixed once by SplitMix64, xor-ed with
 * `stream · 2^32 + block`, and the result seeds a second SplitMix64 that seeds xoshiro128**.
 */
export function streamRandom(seed: number, stream: number, block: number): Xoshiro128ss {
  const key = new SplitMix64(BigInt(seed)).next();
  const mixed = key ^ ((BigInt(stream) << 32n) | BigInt(block));
  return new Xoshiro128ss(new SplitMix64(mixed));
}
