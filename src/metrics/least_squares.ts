/** The least-squares line through (x, y) points; null with fewer than 2 distinct x. */
export function leastSquaresLine(
  points: { x: number; y: number }[],
): { slope: number; intercept: number } | null {
  const n = points.length;
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) * (p.x - mx);
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * Standard error of the least-squares slope: √(Σ residual² / (n − 2) / Σ (x − x̄)²); null with
 * fewer than 3 points or 2 distinct x.
 */
export function slopeStandardError(points: { x: number; y: number }[]): number | null {
  const line = leastSquaresLine(points);
  if (!line || points.length < 3) return null;
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  let ss = 0, sxx = 0;
  for (const p of points) {
    ss += (p.y - (line.intercept + line.slope * p.x)) ** 2;
    sxx += (p.x - mx) ** 2;
  }
  return Math.sqrt(ss / (points.length - 2) / sxx);
}

/** Slope of the least-squares line through (x, y) points; null with fewer than 2 distinct x. */
export function leastSquaresSlope(points: { x: number; y: number }[]): number | null {
  return leastSquaresLine(points)?.slope ?? null;
}

/** Warm-up dropped before fitting memory growth: the first 10 % of the run, and at least 5 s. */
export const GROWTH_WARMUP_SHARE = 0.1;
export const GROWTH_WARMUP_MIN_S = 5;

/**
 * The samples a memory-growth fit uses: those after the warm-up, or all of them when the
 * warm-up would leave fewer than 2.
 */
export function afterWarmup<T extends { t: number }>(samples: T[]): T[] {
  if (samples.length < 2) return samples;
  const span = samples[samples.length - 1].t - samples[0].t;
  const cut = samples[0].t + Math.max(span * GROWTH_WARMUP_SHARE, GROWTH_WARMUP_MIN_S);
  const kept = samples.filter((s) => s.t >= cut);
  return kept.length < 2 ? samples : kept;
}

/** Memory growth in MB per minute: least-squares slope of RSS (MB) over time (s) × 60, after the warm-up. */
export function memoryGrowthPerMin(samples: { t: number; mb: number }[]): number {
  const slope = leastSquaresSlope(afterWarmup(samples).map((s) => ({ x: s.t, y: s.mb })));
  return slope === null ? 0 : slope * 60;
}
