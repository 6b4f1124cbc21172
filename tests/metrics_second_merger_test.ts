import assert from "node:assert/strict";
import type { SecondPoint } from "../src/result/run_result.ts";
import {
  encodeHistogram,
  initHistograms,
  newHistogram,
  recordMs,
} from "../src/metrics/histogram.ts";
import { SecondMerger } from "../src/metrics/second_merger.ts";

await initHistograms();

function part(t: number, latenciesMs: number[], errors: Record<string, number> = {}) {
  const h = newHistogram();
  for (const ms of latenciesMs) recordMs(h, ms);
  const point: SecondPoint = {
    t,
    offered: latenciesMs.length,
    achieved: latenciesMs.length,
    successful: latenciesMs.length,
    dropped: 1,
    errors,
    p50: null,
    p95: null,
    p99: null,
  };
  const encoded = encodeHistogram(h);
  h.destroy();
  return [point, encoded] as const;
}

Deno.test("second merger: sums counts, percentiles from merged histograms, in order", () => {
  const emitted: [number, string[]][] = [];
  const m = new SecondMerger<string>(2, (p, parts) => emitted.push([p.t, parts]));
  // Shard A: 90 fast requests; shard B: 10 slow ones. Averaging p95s would give ~50 ms.
  m.add(...part(0, Array(90).fill(1), { timeout: 2 }), "A");
  assert.deepEqual(emitted, []); // waits for every shard
  m.add(...part(0, Array(10).fill(100), { timeout: 1, http_5xx: 1 }), "B");
  m.add(...part(1, [5]), "A");
  const points = m.finish(); // B never closed second 1
  assert.deepEqual(emitted, [[0, ["A", "B"]], [1, ["A"]]]);
  assert.equal(points.length, 2);
  const [p0, p1] = points;
  assert.equal(p0.offered, 100);
  assert.equal(p0.dropped, 2);
  assert.deepEqual(p0.errors, { timeout: 3, http_5xx: 1 });
  assert.ok(Math.abs(p0.p50! - 1) < 0.01);
  assert.ok(Math.abs(p0.p95! - 100) < 0.1, `p95 ${p0.p95}`);
  assert.ok(Math.abs(p1.p99! - 5) < 0.01);
});
