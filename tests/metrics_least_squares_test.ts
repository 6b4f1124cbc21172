import assert from "node:assert/strict";
import { leastSquaresSlope, memoryGrowthPerMin } from "../src/metrics/least_squares.ts";

Deno.test("least squares: exact slope of a line, best fit of noisy points", () => {
  assert.equal(leastSquaresSlope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]), 2);
  // Alternating ±0.1 noise on y = 0.5x: Σdx·dy = −0.2, Σdx² = 5, so the fit is 0.5 − 0.04.
  const pts = [0, 1, 2, 3].map((x) => ({ x, y: 0.5 * x + (x % 2 === 0 ? 0.1 : -0.1) }));
  assert.ok(Math.abs(leastSquaresSlope(pts)! - 0.46) < 1e-9);
  assert.equal(leastSquaresSlope([{ x: 1, y: 1 }]), null);
  assert.equal(leastSquaresSlope([{ x: 1, y: 1 }, { x: 1, y: 2 }]), null);
});

Deno.test("memory growth: MB/min after the warm-up, which is ignored", () => {
  // 100 s of samples: a +50 MB jump during the first 5 s, then +2 MB per minute.
  const samples = Array.from({ length: 101 }, (_, t) => ({
    t,
    mb: t < 5 ? 100 + 10 * t : 150 + (2 / 60) * t,
  }));
  assert.ok(Math.abs(memoryGrowthPerMin(samples) - 2) < 1e-9);
  // Flat memory: no growth.
  assert.equal(memoryGrowthPerMin(samples.map((s) => ({ t: s.t, mb: 80 }))), 0);
  // Warm-up is 10 % of a long run: a jump at 60 s of a 1000 s run is ignored.
  const long = Array.from({ length: 1001 }, (_, t) => ({ t, mb: t < 60 ? t : 60 - t / 600 }));
  assert.ok(Math.abs(memoryGrowthPerMin(long) + 0.1) < 1e-9);
  // Too short to drop a warm-up: all samples are used.
  assert.ok(Math.abs(memoryGrowthPerMin([{ t: 0, mb: 1 }, { t: 2, mb: 2 }]) - 30) < 1e-9);
});
