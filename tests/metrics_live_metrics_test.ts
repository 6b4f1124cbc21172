import assert from "node:assert/strict";
import { initHistograms, newHistogram, recordMs } from "../src/metrics/histogram.ts";
import { LiveMetrics } from "../src/metrics/live_metrics.ts";
import { startMetricsServer } from "../src/metrics/metrics_server.ts";
import { ERROR_CLASSES, type LiveRunInfo } from "../src/metrics/live_run.ts";
import { parsePrometheusText } from "../src/metrics/prometheus_text.ts";
import { emptySecond } from "../src/metrics/second_series.ts";
import type { ErrorClass } from "../src/targets/target.ts";

const INFO: LiveRunInfo = {
  scenario: "spike",
  target: "reference",
  profile: "smoke",
  seed: 7,
  durationS: 60,
  latencyLimits: [{ quantile: 0.95, operation: "all", tenant: "", phase: "hold", seconds: 0.1 }],
};
const SEARCH = { operation: "search", tenant: "" };

Deno.test("live metrics: ERROR_CLASSES is the targets' ErrorClass, every class once", () => {
  // Fails to type-check when a class is added on one side only.
  const both: [ErrorClass, (typeof ERROR_CLASSES)[number]] extends
    [(typeof ERROR_CLASSES)[number], ErrorClass] ? true : false = true;
  assert.ok(both);
  assert.equal(new Set(ERROR_CLASSES).size, ERROR_CLASSES.length);
});

Deno.test("live metrics: one TYPE per family, cumulative buckets, empty labels left out", () => {
  const live = new LiveMetrics();
  const run = live.beginRun(INFO);
  run.offered(SEARCH, "hold", 0.2);
  run.sent(SEARCH);
  run.completed(SEARCH, "hold", null, 12, true);
  run.offered(SEARCH, "hold", 0.3);
  run.sent(SEARCH);
  run.completed(SEARCH, "hold", "timeout", 30, true);
  run.offered(SEARCH, "hold", 0.1);
  run.dropped(SEARCH, "hold");
  const text = live.render();
  const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]);
  assert.equal(new Set(types).size, types.length, "a family is declared once");
  const { samples } = parsePrometheusText(text);
  const one = (name: string, labels: Record<string, string>) => {
    const found = samples.filter((s) =>
      s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
    );
    assert.equal(found.length, 1, `${name} ${JSON.stringify(labels)}: ${found.length}`);
    return found[0];
  };
  const cell = { scenario: "spike", target: "reference", operation: "search", phase: "hold" };
  const requests = one("akibench_requests_total", cell);
  assert.equal(requests.value, 3);
  assert.equal("tenant" in requests.labels, false, "an empty tenant is no label");
  assert.equal(one("akibench_offered_requests_total", cell).value, 3);
  assert.equal(one("akibench_dropped_requests_total", cell).value, 1);
  assert.equal(one("akibench_errors_total", { ...cell, class: "timeout" }).value, 1);
  assert.equal(one("akibench_errors_total", { ...cell, class: "connection" }).value, 0);
  const bucket = (le: string) => one("akibench_request_duration_seconds_bucket", { ...cell, le });
  assert.equal(bucket("0.01").value, 0);
  assert.equal(bucket("0.0125").value, 1); // 12 ms
  assert.equal(bucket("0.025").value, 1);
  assert.equal(bucket("0.03").value, 2); // 30 ms
  assert.equal(bucket("+Inf").value, 2);
  assert.ok(Math.abs(one("akibench_request_duration_seconds_sum", cell).value - 0.042) < 1e-12);
  assert.equal(one("akibench_in_flight_requests", { scenario: "spike" }).value, 0);
  const limit = one("akibench_latency_limit_seconds", { phase: "hold", quantile: "0.95" });
  assert.equal(limit.value, 0.1);
});

Deno.test("live metrics: a repeat continues the counters and starts the gauges and status over", async () => {
  await initHistograms();
  const live = new LiveMetrics();
  const first = live.beginRun(INFO);
  first.offered(SEARCH, "", 0);
  first.sent(SEARCH);
  first.completed(SEARCH, "", null, 5, true);
  first.recall = { k: 10, value: 0.97, samples: 30 };
  first.targetGauges = [{ name: "akidb_tier_collections", labels: { tier: "hot" }, value: 2 }];
  const h = newHistogram();
  recordMs(h, 5);
  first.second(emptySecond(0), h);
  assert.equal(live.status()!.p95Ms !== null, true);
  first.end();
  const again = live.beginRun({ ...INFO, seed: 8 });
  assert.equal(again, first, "same scenario and target: the same counters");
  again.offered(SEARCH, "", 0);
  again.sent(SEARCH);
  const { samples } = parsePrometheusText(live.render());
  const value = (name: string) => samples.find((s) => s.name === name)?.value;
  assert.equal(value("akibench_requests_total"), 1);
  assert.equal(value("akibench_offered_requests_total"), 2);
  assert.equal(value("akibench_in_flight_requests"), 1);
  assert.equal(value("akibench_recall"), undefined, "recall is scored again after the repeat");
  assert.equal(value("akibench_recall_samples"), undefined);
  assert.equal(value("akidb_tier_collections"), undefined);
  assert.equal(samples.find((s) => s.name === "akibench_run_info")?.labels.seed, "8");
  const status = live.status()!;
  assert.equal(status.requests, 0);
  assert.equal(status.offered, 1);
  assert.equal(status.p95Ms, null);
  assert.equal(status.running, true);
  // Another target's run is a second label set of the same families.
  live.beginRun({ ...INFO, target: "akidb" }).offered(SEARCH, "", 0);
  const targets = parsePrometheusText(live.render()).samples
    .filter((s) => s.name === "akibench_offered_requests_total").map((s) => s.labels.target);
  assert.deepEqual(targets, ["reference", "akidb"]);
  h.destroy();
  again.end();
});

Deno.test("metrics server: renders per scrape in format 0.0.4; nextScrape resolves at the next one", async () => {
  let renders = 0;
  const server = await startMetricsServer({
    port: 0,
    hostname: "127.0.0.1",
    render: () => `akibench_renders ${++renders}\n`,
  });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.equal(await server.nextScrape(1), false, "no scrape: false after the wait");
    const next = server.nextScrape(60_000);
    const res = await fetch(server.url);
    assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    assert.equal(await res.text(), "akibench_renders 1\n");
    assert.equal(await next, true);
    assert.equal(await (await fetch(server.url)).text(), "akibench_renders 2\n");
    assert.equal(server.scrapes(), 2);
  } finally {
    await server.close();
  }
});
