import assert from "node:assert/strict";
import { newHistogram, recordMs } from "../src/metrics/histogram.ts";
import { SeededRandom } from "../src/random/seeded_random.ts";
import { PercentileBootstrap } from "../src/report/bootstrap.ts";
import { secondsDifferenceIntervals } from "../src/report/second_bootstrap.ts";
import { emptySecond } from "../src/metrics/second_series.ts";
import { encodeHistogram } from "../src/metrics/histogram.ts";
import type { SecondPoint } from "../src/result/run_result.ts";

/** n latencies (ms) from a seeded log-normal around `medianMs`, plus `shiftMs`. */
function run(seed: number, n: number, medianMs: number, shiftMs = 0) {
  const random = new SeededRandom(seed);
  const h = newHistogram(false);
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    recordMs(h, medianMs * Math.exp(0.6 * z) + shiftMs);
  }
  return h;
}

Deno.test("bootstrap: seeded, so the same two runs always get the same interval", () => {
  const [a, b] = [run(1, 2000, 4), run(2, 2000, 4)];
  const first = new PercentileBootstrap().differenceInterval(a, b, 99);
  const again = new PercentileBootstrap().differenceInterval(a, b, 99);
  assert.deepEqual(first, again);
  assert.notDeepEqual(new PercentileBootstrap(7).differenceInterval(a, b, 99), first);
  assert.equal(new PercentileBootstrap().differenceInterval(a, newHistogram(false), 50), null);
});

Deno.test("bootstrap: two runs of one distribution rarely exclude 0; a 2 ms shift always does", () => {
  const bootstrap = new PercentileBootstrap();
  let excluded = 0;
  for (let trial = 0; trial < 40; trial++) {
    const a = run(100 + trial, 2000, 4), b = run(200 + trial, 2000, 4);
    for (const p of [50, 95, 99]) {
      const [lo, hi] = bootstrap.differenceInterval(a, b, p)!;
      if (lo > 0 || hi < 0) excluded++;
      assert.ok(lo < hi, `${lo} < ${hi}`);
    }
    const slow = run(300 + trial, 2000, 4, 2);
    for (const p of [50, 95]) {
      const [lo] = bootstrap.differenceInterval(a, slow, p)!;
      assert.ok(lo > 0, `trial ${trial} p${p}: the 2 ms shift's interval starts at ${lo}`);
    }
  }
  // A 95 % interval misses a true difference of 0 about 5 % of the time (here 6 of 120).
  assert.ok(excluded <= 15, `${excluded} of 120 intervals excluded 0`);
});

/** 20 seconds of 100 requests each; every fifth second `slowMs` slower (a GC pause, a neighbour). */
function seconds(
  seed: number,
  slowMs: number,
): { points: SecondPoint[]; all: ReturnType<typeof run> } {
  const all = newHistogram(false);
  const points = Array.from({ length: 20 }, (_, t) => {
    const h = run(seed * 100 + t, 100, 3, t % 5 === 0 ? slowMs : 0);
    all.add(h);
    return { ...emptySecond(t), latency_us: encodeHistogram(h) };
  });
  return { points, all };
}

Deno.test("block bootstrap: resampling whole seconds keeps slow seconds together and widens the interval", () => {
  const [a, b] = [seconds(1, 10), seconds(2, 10)];
  const block = secondsDifferenceIntervals(a.points, b.points, [50, 95])!;
  assert.deepEqual(secondsDifferenceIntervals(a.points, b.points, [50, 95]), block, "seeded");
  const single = new PercentileBootstrap().differenceInterval(a.all, b.all, 95)!;
  const width = (i: [number, number]) => i[1] - i[0];
  assert.ok(
    width(block.get(95)!) > width(single),
    `seconds ${block.get(95)} vs requests ${single}`,
  );
  assert.ok(block.get(95)![0] < 0 && block.get(95)![1] > 0, "same distribution: 0 inside");
  // Results made before per-second histograms were stored have none to resample.
  const bare = a.points.map(({ latency_us: _, ...p }) => p);
  assert.equal(secondsDifferenceIntervals(bare, b.points, [50]), null);
});
