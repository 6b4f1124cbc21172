import type { Xoshiro128ss } from "./prng.ts";

/**
 * Standard normal samples by Marsaglia's polar method, in IEEE-754 float64 arithmetic only.
 *
 * The logarithm is computed here ({@link lnUnit}) from +, −, ×, ÷ and comparisons instead of
 * `Math.log`: ECMAScript fixes the result of every basic operation (round to nearest, no fused
 * multiply-add) but leaves `Math.log`/`Math.cos` implementation-approximated. V8 happens to use
 * deterministic fdlibm ports, but computing it ourselves makes the samples bit-identical on any
 * conforming engine. `Math.sqrt` is correctly rounded by the specification, so it is safe.
 */
export class Gaussian {
  readonly #random: Xoshiro128ss;
  #spare = 0;
  #hasSpare = false;

  constructor(random: Xoshiro128ss) {
    this.#random = random;
  }

  /** The next N(0, 1) sample; pairs are generated together and the second one kept. */
  next(): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return this.#spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.#random.nextSigned();
      v = this.#random.nextSigned();
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt(-2 * lnUnit(s) / s);
    this.#spare = v * factor;
    this.#hasSpare = true;
    return u * factor;
  }
}

const SQRT_HALF = 0.7071067811865476;
const LN2 = 0.6931471805599453;

/**
 * Natural logarithm of s ∈ (0, 1): s = m · 2^e with m ∈ [√½, √2) by exact doublings, then
 * ln m = 2 atanh(z), z = (m − 1)/(m + 1), |z| ≤ 0.172, by its odd series to the z^23 term
 * (relative error below 1e-16). Deterministic: only correctly rounded basic operations.
 */
export function lnUnit(s: number): number {
  let m = s;
  let e = 0;
  while (m < SQRT_HALF) {
    m *= 2;
    e--;
  }
  const z = (m - 1) / (m + 1);
  const z2 = z * z;
  let p = 1 / 23;
  p = 1 / 21 + z2 * p;
  p = 1 / 19 + z2 * p;
  p = 1 / 17 + z2 * p;
  p = 1 / 15 + z2 * p;
  p = 1 / 13 + z2 * p;
  p = 1 / 11 + z2 * p;
  p = 1 / 9 + z2 * p;
  p = 1 / 7 + z2 * p;
  p = 1 / 5 + z2 * p;
  p = 1 / 3 + z2 * p;
  p = 1 + z2 * p;
  return e * LN2 + 2 * z * p;
}
