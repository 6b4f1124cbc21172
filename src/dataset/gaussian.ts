import { exp, lnUnit } from "./exact_math.ts";
import type { Xoshiro128ss } from "./prng.ts";

/**
 * Standard normal samples by the Ziggurat method (Marsaglia & Tsang 2000) in Doornik's ZIGNOR
 * form (2005): 128 strips, R = 3.442619855899, V = 9.91256303526217e-3. Each attempt takes two
 * 32-bit outputs: u = r1 · 2^−31 − 1 and strip i = r2 & 127. About 99% of samples take the
 * fast path (|u| < X[i+1]/X[i] → u · X[i]); the wedges and the tail (Marsaglia's method) draw
 * uniforms (r + 0.5) · 2^−32 ∈ (0, 1). All arithmetic is IEEE float64 with the exactly specified
 * ln/exp of exact_math.ts and correctly rounded Math.sqrt, so the samples are bit-identical on any
 * conforming engine.
 */
const STRIPS = 128;
const R = 3.442619855899;
const V = 9.91256303526217e-3;
const TWO_POW_MINUS_31 = 2 ** -31;
const TWO_POW_MINUS_32 = 2 ** -32;

/** Strip edges X[0..128] (X[0] = V / f(R) is the base strip's pseudo-width, X[128] = 0). */
const X = new Float64Array(STRIPS + 1);
/** X[i+1] / X[i]: below it a sample lies wholly inside the density. */
const RATIO = new Float64Array(STRIPS);
{
  let f = exp(-0.5 * R * R);
  X[0] = V / f;
  X[1] = R;
  for (let i = 2; i < STRIPS; i++) {
    X[i] = Math.sqrt(-2 * lnUnit(V / X[i - 1] + f));
    f = exp(-0.5 * X[i] * X[i]);
  }
  for (let i = 0; i < STRIPS; i++) RATIO[i] = X[i + 1] / X[i];
}

export class Gaussian {
  readonly #random: Xoshiro128ss;

  constructor(random: Xoshiro128ss) {
    this.#random = random;
  }

  /** A uniform float64 in (0, 1). */
  #open01(): number {
    return (this.#random.nextUint32() + 0.5) * TWO_POW_MINUS_32;
  }

  /** The next N(0, 1) sample. */
  next(): number {
    for (;;) {
      const u = this.#random.nextUint32() * TWO_POW_MINUS_31 - 1;
      const i = this.#random.nextUint32() & (STRIPS - 1);
      if (Math.abs(u) < RATIO[i]) return u * X[i];
      if (i === 0) return this.#tail(u < 0);
      const x = u * X[i];
      const f0 = exp(-0.5 * (X[i] * X[i] - x * x));
      const f1 = exp(-0.5 * (X[i + 1] * X[i + 1] - x * x));
      if (f1 + this.#open01() * (f0 - f1) < 1) return x;
    }
  }

  /** A sample beyond ±R (Marsaglia's tail method). */
  #tail(negative: boolean): number {
    let x: number;
    let y: number;
    do {
      x = lnUnit(this.#open01()) / R;
      y = lnUnit(this.#open01());
    } while (-2 * y < x * x);
    return negative ? x - R : R - x;
  }
}
