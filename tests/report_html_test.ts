import assert from "node:assert/strict";
import { MAX_CHART_POINTS } from "../src/report/chart_data.ts";
import { renderHtml, renderSuiteHtml } from "../src/report/html.ts";
import { readRunResult } from "../src/report/read_runs.ts";
import { makeRunResult } from "./fixtures/make_fixture.ts";
import { fixtureSuite, loadFixture } from "./fixtures/load_fixture.ts";

function embedded(html: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(
    html,
  );
  assert.ok(m, `no #${id}`);
  return JSON.parse(m[1]);
}

Deno.test("run HTML is self-contained: Chart.js inline, no external URL loads, CSP blocks fetches", () => {
  const html = renderHtml(loadFixture("run_result.json"));
  assert.ok(html.includes("Chart.register") || html.includes("window.Chart"), "Chart.js inlined");
  assert.ok(!/sourceMappingURL/.test(html));
  assert.ok(!/<(script|img|link|iframe)[^>]+(src|href)=/i.test(html), "no src/href loads");
  assert.ok(html.includes(`http-equiv="Content-Security-Policy" content="default-src 'none'`));
});

Deno.test("run HTML embeds the RunResult, which readRunResult reads back", async () => {
  const run = loadFixture("run_result.json");
  const html = renderHtml(run);
  assert.deepEqual(embedded(html, "run-result"), run);
  const path = await Deno.makeTempFile({ suffix: ".html" });
  try {
    await Deno.writeTextFile(path, html);
    assert.deepEqual(await readRunResult(path), run);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("run HTML has server-rendered criteria, tables, environment and a canvas per chart", () => {
  const html = renderHtml(loadFixture("run_result.json"));
  assert.ok(html.includes('<table id="criteria">'));
  assert.ok(html.includes("<code>p95(search) &lt; 25ms</code>"));
  assert.ok(html.includes('<dl class="env" id="environment">'));
  assert.ok(html.includes("sha256:9a8b7c6d5e4f"), "dataset hash");
  for (
    const id of [
      "latency",
      "rate",
      "errors",
      "spectrum",
      "operations",
      "tenants",
      "memory",
      "cpu",
      "recall",
      "tiers",
      "breaker",
    ]
  ) assert.ok(html.includes(`<canvas id="chart-${id}"`), id);
});

Deno.test("skipped run HTML shows the reason and draws no charts", () => {
  const html = renderHtml(loadFixture("run_result_skipped.json"));
  assert.ok(html.includes("does not report storage tiers"));
  assert.ok(!html.includes("<canvas"));
});

Deno.test("text from the RunResult cannot break out of the page", () => {
  const run = loadFixture("run_result_skipped.json");
  run.description = "</script><script>alert(1)</script>";
  const html = renderHtml(run);
  assert.ok(!html.includes("<script>alert(1)"));
  assert.equal(
    (embedded(html, "run-result") as { description: string }).description,
    run.description,
  );
});

Deno.test("suite index links every scenario and lists failures and skips", () => {
  const { suite, runs } = fixtureSuite();
  const html = renderSuiteHtml(suite, runs);
  for (const id of ["spike", "baseline", "tiered"]) {
    assert.ok(html.includes(`href="${id}.html"`), id);
  }
  assert.ok(html.includes("<code>p95(search) &lt; 2ms</code>"));
  assert.ok(html.includes("does not report storage tiers"));
  assert.deepEqual(embedded(html, "suite-result"), suite);
});

Deno.test("a 60-minute run's report stays under 2 MB with series downsampled to 600 points", () => {
  const run = makeRunResult({ durationS: 3600, seed: 9, baseQps: 4 });
  const html = renderHtml(run);
  const bytes = new TextEncoder().encode(html).length;
  console.log(`60-minute report: ${bytes} bytes (RunResult JSON ${JSON.stringify(run).length})`);
  assert.ok(bytes < 2 * 1024 * 1024, `${bytes} bytes`);
  const data = embedded(html, "chart-data") as {
    latency: { p95: unknown[] };
    bucketSeconds: number;
  };
  assert.ok(data.latency.p95.length <= MAX_CHART_POINTS);
  assert.equal(data.bucketSeconds, 6);
});

Deno.test("chart data reads tiers from labelled gauges, tier moves as rates, and leaves out all-zero gauges", async () => {
  const { chartData } = await import("../src/report/chart_data.ts");
  const run = loadFixture("run_result.json");
  const at = (...values: number[]) => values.map((value, i) => ({ t: 2 * i, value }));
  run.series.target_metrics = {
    'akidb_tier_collections{tier="warm"}': at(2, 2),
    'akidb_tier_collections{tier="hot"}': at(5, 5),
    akidb_circuit_breaker_state: at(0, 1),
    akidb_circuit_breaker_error_rate: at(0.5, 0.5),
    akidb_dlq_size: at(0, 0, 0),
    'akidb_queue_depth{queue="s3"}': at(3, 4),
    'akidb_tier_transitions_total{from="hot",to="warm"}': at(3, 7, 9),
    'akidb_tier_transitions_total{from="warm",to="cold"}': at(1, 1),
  };
  const data = chartData(run);
  assert.deepEqual(Object.keys(data.tiers), ["hot", "warm"]);
  assert.deepEqual(data.breaker, [[0, 0], [2, 1]]);
  assert.deepEqual(data.otherTargetMetrics, {
    akidb_circuit_breaker_error_rate: { akidb_circuit_breaker_error_rate: [[0, 0.5], [2, 0.5]] },
    akidb_queue_depth: { s3: [[0, 3], [2, 4]] },
  }, "one chart per metric family, a line per label set named by its label values");
  assert.deepEqual(data.tierRates, {
    "hot → warm": [[2, 2], [4, 1.5]],
    "warm → cold": [[2, 0]],
  }, "transition counters become moves per second over a trailing 5-s window");
  assert.deepEqual(data.zeroThroughout, ["akidb_dlq_size"]);
  assert.deepEqual(data.tierMarkers, [
    { t: 2, move: "hot → warm", count: 4 },
    { t: 4, move: "hot → warm", count: 2 },
  ], "a mark where a transition counter rose, none for one that stayed");
});

Deno.test("chart data: search latency per tier per second, and none for results without it", async () => {
  const { chartData } = await import("../src/report/chart_data.ts");
  const run = loadFixture("run_result.json");
  assert.deepEqual(chartData(run).tierLatency, [], "a result without per-tier seconds");
  assert.ok(!renderHtml(run).includes('id="chart-tier-latency"'));
  const [s0, s1, s2] = run.series.per_second;
  s0.by_operation = {
    "search@cold": { count: 1, p50: 40, p95: 40 },
    "search@hot": { count: 50, p50: 1, p95: 3 },
  };
  s1.by_operation = { "search@hot": { count: 40, p50: 2, p95: 5 } };
  s2.by_operation = { "insert@x": { count: 3, p50: 9, p95: 9 } };
  const data = chartData(run);
  assert.deepEqual(data.tierLatency.map((t) => t.tier), ["hot", "cold"], "hot, warm, cold order");
  const hot = data.tierLatency[0];
  assert.deepEqual(hot.p50.slice(0, 3), [[s0.t, 1], [s1.t, 2], [s2.t, null]]);
  assert.deepEqual(hot.p95.slice(0, 2), [[s0.t, 3], [s1.t, 5]]);
  assert.deepEqual(data.tierLatency[1].p95.slice(0, 2), [[s0.t, 40], [s1.t, null]]);
  const html = renderHtml(run);
  assert.ok(html.includes('id="chart-tier-latency"'));
  assert.ok(html.includes("A search counts under the tier its collection is in"), "attribution");
});

Deno.test("chart data: one time range for all charts, and no partial last second", async () => {
  const { chartData } = await import("../src/report/chart_data.ts");
  const run = loadFixture("run_result.json");
  const last = run.series.per_second[run.series.per_second.length - 1];
  run.duration_seconds = last.t + 0.5;
  run.series.resources.push({ ...run.series.resources[0], t: last.t + 0.7 });
  const data = chartData(run);
  assert.equal(data.end, last.t + 0.5);
  const lastDrawn = data.latency.p99[data.latency.p99.length - 1][0];
  assert.ok(lastDrawn < last.t, "the second cut short by the end is not drawn");
  assert.ok(
    data.memory!.target.every(([t]) => t <= data.end),
    "no resource sample after the end",
  );
});

Deno.test("tenants sort naturally and percentiles from few samples are flagged", async () => {
  const { chartData } = await import("../src/report/chart_data.ts");
  const run = loadFixture("run_result.json");
  const template = run.operations[0];
  run.tenants = ["tenant-10", "tenant-2", "tenant-1"].map((tenant, i) => ({
    ...template,
    tenant,
    operation: "all",
    latency_ms: { ...template.latency_ms, count: i === 0 ? 40 : 500 },
  }));
  const data = chartData(run);
  assert.deepEqual(data.tenants.map((b) => b.label), [
    "tenant-1",
    "tenant-2",
    "tenant-10 (only 40 samples)",
  ]);
  const html = renderHtml(run);
  const order = ["tenant-1", "tenant-2", "tenant-10"].map((t) => html.indexOf(`<td>${t}</td>`));
  assert.ok(order[0] > 0 && order[0] < order[1] && order[1] < order[2], `${order}`);
  assert.match(html, /class="num few">[^<]+<sup>\*<\/sup>/);
  assert.match(html, /From fewer than 100 samples/);
});

Deno.test("chart data draws target RSS minus the vectors written when the run counted them", async () => {
  const { chartData } = await import("../src/report/chart_data.ts");
  const run = loadFixture("run_result.json");
  run.series.resources = run.series.resources.map(({ written_mb: _, ...r }) => r);
  assert.deepEqual(chartData(run).memory?.beyondWrites, [], "no writes counted, no line");
  run.series.resources = run.series.resources.slice(0, 3).map((r, i) => ({
    ...r,
    target_rss_mb: 500 + 10 * i,
    written_mb: 8 * i,
  }));
  assert.deepEqual(chartData(run).memory?.beyondWrites, [
    [run.series.resources[0].t, 500],
    [run.series.resources[1].t, 502],
    [run.series.resources[2].t, 504],
  ]);
});

Deno.test("the drawn memory growth line is the fit behind the reported growth", async () => {
  const { chartData } = await import("../src/report/chart_data.ts");
  const { memoryGrowthPerMin } = await import("../src/metrics/least_squares.ts");
  const run = loadFixture("run_result.json");
  const [[t0, y0], [t1, y1]] = chartData(run).memory!.slope;
  assert.ok(t0 > run.series.resources[0].t, "the warm-up is left out of the line too");
  const perMin = (y1! - y0!) / (t1 - t0) * 60;
  const reported = memoryGrowthPerMin(
    run.series.resources.map((r) => ({ t: r.t, mb: r.target_rss_mb! })),
  );
  assert.ok(Math.abs(perMin - reported) < 0.01, `${perMin} vs ${reported}`);
});
