import assert from "node:assert/strict";
import {
  evaluateCriteria,
  evaluateCriterion,
  NO_RESOURCE_SOURCE,
} from "../src/criteria/evaluate.ts";
import { parseCriterion } from "../src/criteria/parse.ts";
import type { RunResult, TrafficStats } from "../src/result/run_result.ts";
import { resultShell } from "../src/run/result_shell.ts";
import { loadScenario } from "../src/scenario/read_scenario.ts";
import { renderHtml } from "../src/report/html.ts";
import { renderMarkdown } from "../src/report/markdown.ts";
import { renderTerminalSummary } from "../src/report/terminal.ts";
import { makeRunResult } from "./fixtures/make_fixture.ts";

function stats(operation: string, extra: Partial<TrafficStats> = {}): TrafficStats {
  const latency = {
    count: 100,
    min: 1,
    mean: 5,
    p50: 4,
    p90: 9,
    p95: 12,
    p99: 30,
    p999: 40,
    max: 50,
  };
  return {
    operation,
    requests: 100,
    successful: 98,
    failed: 1,
    dropped: 1,
    errors_by_class: { http_5xx: 1 },
    latency_ms: latency,
    service_time_ms: latency,
    histograms: { latency_us: "", service_time_us: "" },
    ...extra,
  };
}

async function run(): Promise<RunResult> {
  const s = await loadScenario("baseline", "smoke");
  const r = resultShell(s, "h", {} as RunResult["environment"], {
    name: "t",
    version: "1",
    url: null,
  }, "passed");
  return {
    ...r,
    total_requests: 100,
    dropped_requests: 1,
    operations: [
      stats("all"),
      stats("search", { latency_ms: { ...stats("x").latency_ms, p95: 20 } }),
    ],
    tenants: [stats("search", { tenant: "t6", latency_ms: { ...stats("x").latency_ms, p95: 80 } })],
    phases: [stats("all", { phase: "hold", requests: 200, failed: 10, dropped: 0 })],
    memory_mb: { start: 100, end: 130, peak: 140, growth_per_min: 12 },
    cpu_percent: { average: 65, peak: 90 },
    recall: { k: 10, samples: 50, overall: 0.97, series: [] },
    integrity: { checked: 10, missing: 1, corrupted: 0, resurrected: 0, corruption: 1 },
    checks: { crashes: 0 },
    series: {
      per_second: [],
      resources: [],
      target_metrics: {
        akidb_dlq_size: [{ t: 0, value: 0 }, { t: 1, value: 4 }, { t: 2, value: 1 }],
      },
    },
  };
}

function check(expression: string, r: RunResult) {
  return evaluateCriterion(parseCriterion(expression), r);
}

Deno.test("traffic criteria read the right slice; failures say what was observed", async () => {
  const r = await run();
  assert.equal(check("p95(search) < 25ms", r).passed, true);
  assert.equal(check("p95(search) < 25ms", r).observed, 20);
  const t6 = check("p95(search){tenant=t6} < 25ms", r);
  assert.equal(t6.passed, false);
  assert.equal(t6.observed, 80);
  assert.equal(t6.reason, "observed 80 ms, required < 25 ms");
  assert.equal(check("p99 < 50ms", r).observed, 30);
  // Dropped arrivals count as errors, as in RunResult.error_rate.
  assert.equal(check("error_rate < 5%", r).observed, 0.02);
  assert.equal(check("error_rate{phase=hold} < 1%", r).observed, 0.05);
  assert.equal(check("error_rate{phase=hold} < 1%", r).passed, false);
  // A ratio reads in percent, as written (not "observed 0.05, required < 0.01").
  assert.equal(check("error_rate{phase=hold} < 1%", r).reason, "observed 5%, required < 1%");
});

Deno.test("resource, recall, integrity, check and gauge criteria", async () => {
  const r = await run();
  assert.equal(check("memory_growth < 10MB/min", r).passed, false);
  assert.equal(check("memory_growth_total < 100MB", r).observed, 30);
  assert.equal(check("memory_peak < 15GB", r).passed, true);
  const written: RunResult = {
    ...r,
    memory_mb: { ...r.memory_mb!, written: 22, growth_beyond_writes_per_min: 3.5 },
  };
  assert.equal(check("memory_growth_beyond_writes < 10MB/min", written).observed, 3.5);
  assert.equal(check("memory_growth_total_beyond_writes < 5MB", written).observed, 8);
  assert.equal(check("memory_growth_total_beyond_writes < 5MB", written).passed, false);
  assert.equal(check("cpu_avg < 70%", r).passed, true);
  assert.equal(check("cpu_peak < 80%", r).passed, false);
  assert.equal(check("recall@10 > 0.95", r).passed, true);
  assert.equal(check("corruption == 0", r).passed, false);
  assert.equal(check("data_loss == 0", r).observed, 1);
  assert.equal(check("dropped == 0", r).observed, 1);
  assert.equal(check("crashes == 0", r).passed, true);
  assert.equal(check("max(target:akidb_dlq_size) > 0", r).observed, 4);
  assert.equal(check("last(target:akidb_dlq_size) == 0", r).observed, 1);
  assert.equal(check("min(target:akidb_dlq_size) == 0", r).passed, true);
  assert.equal(check("increase(target:akidb_dlq_size) == 1", r).passed, true);
});

Deno.test("a metric without data fails with reason 'no data', never passes", async () => {
  const r = await run();
  const empty: RunResult = {
    ...r,
    operations: [stats("all", { requests: 0, latency_ms: { ...stats("x").latency_ms, count: 0 } })],
    tenants: [],
    phases: [],
    memory_mb: null,
    cpu_percent: null,
    recall: { k: 10, samples: 0, overall: null, series: [] },
    integrity: null,
    checks: {},
    series: { per_second: [], resources: [], target_metrics: {} },
  };
  for (
    const e of [
      "p95(search) < 25ms",
      "p95 < 25ms",
      "error_rate < 1%",
      "p95(search){tenant=t1} < 25ms",
      "p95{phase=hold} < 25ms",
      "p95(search){tier=hot} < 5ms",
      "memory_growth < 10MB/min",
      "cpu_avg < 80%",
      "recall@10 > 0.95",
      "corruption == 0",
      "cross_tenant_leaks == 0",
      "max(target:akidb_dlq_size) > 0",
    ]
  ) {
    const res = check(e, empty);
    assert.equal(res.passed, false, e);
    assert.equal(res.observed, null, e);
    const resource = /^(memory|cpu)/.test(e);
    assert.equal(res.reason, resource ? NO_RESOURCE_SOURCE : "no data", e);
  }
  assert.match(NO_RESOURCE_SOURCE, /^no data: .*--resource-metrics URL$/);
  assert.equal(check("recall@5 > 0.9", r).reason, "no data", "recall measured at another k");
  for (
    const e of ["memory_growth_beyond_writes < 1MB/min", "memory_growth_total_beyond_writes < 1MB"]
  ) {
    assert.equal(check(e, r).reason, "no data", `${e}: RSS sampled, writes not counted`);
  }
});

Deno.test("evaluateCriteria lists failures with their reasons", async () => {
  const r = await run();
  const out = evaluateCriteria(
    ["p95(search) < 25ms", "cpu_peak < 80%", "cross_tenant_leaks == 0"].map(parseCriterion),
    r,
  );
  assert.equal(out.passed, false);
  assert.deepEqual(out.failures, [
    "cpu_peak < 80%: observed 90 %, required < 80 %",
    "cross_tenant_leaks == 0: no data",
  ]);
  assert.equal(out.results.length, 3);
  assert.equal(evaluateCriteria([parseCriterion("p95 < 25ms")], r).passed, true);
});

Deno.test("a latency criterion from fewer than 100 samples is flagged in the criteria tables", () => {
  const r = makeRunResult({ durationS: 5, seed: 3, baseQps: 20 });
  const few = { ...stats("x").latency_ms, count: 11, p95: 7 };
  r.operations.push(stats("search@cold", { requests: 11, latency_ms: few }));
  r.success_criteria = evaluateCriteria(
    ["p95(search){tier=cold} < 25ms", "p95(search) < 25ms", "error_rate < 5%"].map(parseCriterion),
    r,
  );
  const [cold, search, errors] = r.success_criteria.results;
  assert.equal(cold.samples, 11);
  const searched = r.operations.find((o) => o.operation === "search")!.latency_ms.count;
  assert.ok(searched >= 100);
  assert.equal(search.samples, searched);
  assert.equal(errors.samples, undefined, "only latency percentiles count samples");
  const flagged = /7 ms \(only 11 samples\)/;
  const md = renderMarkdown(r);
  assert.match(md, /\| `p95\(search\)\{tier=cold\} < 25ms` \| 7 ms \(only 11 samples\) \|/);
  assert.match(md, /\| `p95\(search\) < 25ms` \| [\d.]+ ms \|/, "enough samples: no flag");
  assert.match(renderHtml(r), /<table id="criteria">(?:(?!<\/table>)[^])*7 ms \(only 11 samples\)/);
  const terminal = renderTerminalSummary(r, { color: false });
  assert.match(terminal, flagged);
  assert.equal(terminal.match(/only \d+ samples/g)?.length, 1);
});

Deno.test("memory_at_rest reads the target's RSS after the bulk load; without it, no data", () => {
  const c = parseCriterion("memory_at_rest < 1GB");
  assert.deepEqual([c.kind, c.threshold, c.unit], ["memory", 1024, "MB"]);
  const run = makeRunResult({ durationS: 5, seed: 3, baseQps: 20 });
  run.setup = {
    dataset_s: 1,
    vectors: 1000,
    load_s: 0.5,
    vectors_per_s: 2000,
    index_s: 0,
    index_pending: 0,
    rss_at_rest_mb: 1500,
  };
  const r = evaluateCriterion(c, run);
  assert.deepEqual([r.observed, r.passed], [1500, false]);
  run.setup.rss_at_rest_mb = null;
  const none = evaluateCriterion(c, run);
  assert.deepEqual([none.observed, none.passed, none.reason], [null, false, "no data"]);
});
