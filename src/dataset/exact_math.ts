/**
 * ln and exp from IEEE-754 basic operations only (+, −, ×, ÷, comparisons), whose results
 * ECMAScript fixes exactly (round to nearest, no fused multiply-add). `Math.log`/`Math.exp` are
 * "implementation-approximated": V8 uses deterministic fdlibm ports, but computing them here makes
 * generated data bit-identical on any conforming engine. Accuracy: ~1e-15 relative.
 */

const SQRT_HALF = 0.7071067811865476;
const LN2 = 0.6931471805599453;

/**
 * Natural logarithm of s ∈ (0, 1]: s = m · 2^e with m ∈ [√½, √2) by exact doublings, then
 * ln m = 2 atanh(z), z = (m − 1)/(m + 1), |z| ≤ 0.172, by its odd series to the z^23 term.
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
  for (let d = 21; d >= 1; d -= 2) p = 1 / d + z2 * p;
  return e * LN2 + 2 * z * p;
}

/**
 * e^x for |x| ≤ 700: x = n·ln2 + r with n = round(x / ln2), |r| ≤ 0.35, e^r by its Taylor
 * series to r^20/20! (Horner), then scaled by 2^n through exact halvings or doublings.
 */
export function exp(x: number): number {
  const n = Math.round(x / LN2);
  const r = x - n * LN2;
  let p = 1;
  for (let k = 20; k >= 1; k--) p = 1 + (r / k) * p;
  for (let i = 0; i < n; i++) p *= 2;
  for (let i = 0; i > n; i--) p *= 0.5;
  return p;
}
