import assert from "node:assert/strict";
import type { SecondPoint } from "../src/result/run_result.ts";
import {
  encodeHistogram,
  initHistograms,
  newHistogram,
  recordMs,
} from "../src/metrics/histogram.ts";
import { SecondMerger } from "../src/metrics/second_merger.ts";
import { SecondSeries } from "../src/metrics/second_series.ts";

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

Deno.test("second series: qualified operations (search@hot) get their own per-second percentiles, merged across shards", () => {
  const shards = [0, 1].map(() => {
    const encoded: Record<string, string>[] = [];
    const latency: string[] = [];
    const series = new SecondSeries((_p, all, byOperation) => {
      latency.push(encodeHistogram(all));
      encoded.push(
        Object.fromEntries(
          [...byOperation].filter(([, h]) => h.totalCount > 0)
            .map(([k, h]) => [k, encodeHistogram(h)]),
        ),
      );
    });
    return { series, encoded, latency };
  });
  const [a, b] = shards;
  // Second 0: hot searches at 1 ms on shard A, cold ones at 200 ms on B; unqualified inserts.
  for (let i = 0; i < 19; i++) a.series.completed(100 + i, null, 1, "search@hot");
  a.series.completed(150, null, 9, "insert");
  b.series.completed(200, null, 200, "search@cold");
  // Second 1: only an insert.
  a.series.completed(1100, null, 3, "insert");
  for (const s of shards) {
    s.series.advance(2000);
    s.series.finish();
  }
  const [a0, a1] = a.series.points;
  assert.deepEqual(a0.by_operation, { "search@hot": { count: 19, p50: 1, p95: 1 } });
  assert.equal(a1.by_operation, undefined, "a second without qualified operations has none");
  assert.equal(a0.achieved, 20, "the totals still count every operation");

  const m = new SecondMerger<null>(2);
  for (const s of shards) {
    s.series.points.forEach((p, i) => m.add(p, s.latency[i], null, s.encoded[i]));
  }
  const [m0, m1] = m.finish();
  assert.deepEqual(Object.keys(m0.by_operation!), ["search@cold", "search@hot"]);
  assert.equal(m0.by_operation!["search@hot"].count, 19);
  assert.ok(Math.abs(m0.by_operation!["search@cold"].p95 - 200) < 0.2);
  assert.equal(m1.by_operation, undefined);
});
