/**
 * Two-sided 97.5 % points of Student's t for 1…30 degrees of freedom (standard tables); beyond
 * 30 the normal 1.96 is within 4 %.
 */
const T975 = [
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];

/** t's 97.5 % point for (fractional) degrees of freedom df ≥ 1, rounded down: conservative. */
function t975(df: number): number {
  const i = Math.max(1, Math.floor(df));
  return i <= T975.length ? T975[i - 1] : 1.96;
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample variance (n − 1). */
function variance(xs: number[]): number {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
}

/**
 * The 95 % interval of mean(next) − mean(base) over repeated runs (Welch's t, ≥ 2 runs a side):
 * each run's value carries the noise within that run AND the load that drifts from run to run,
 * so the spread between runs is the whole uncertainty of a difference of means.
 */
export function welchInterval(base: number[], next: number[]): [number, number] {
  const d = mean(next) - mean(base);
  const [vb, vn] = [variance(base) / base.length, variance(next) / next.length];
  const se2 = vb + vn;
  if (se2 === 0) return [d, d];
  const df = se2 * se2 / (vb * vb / (base.length - 1) + vn * vn / (next.length - 1));
  const half = t975(df) * Math.sqrt(se2);
  return [d - half, d + half];
}
