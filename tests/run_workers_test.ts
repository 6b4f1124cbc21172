import assert from "node:assert/strict";
import { LiveMetrics } from "../src/metrics/live_metrics.ts";
import { startMetricsServer } from "../src/metrics/metrics_server.ts";
import { parsePrometheusText } from "../src/metrics/prometheus_text.ts";
import type { RunResult } from "../src/result/run_result.ts";
import { runScenario } from "../src/run/run_scenario.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import { ReferenceTarget } from "../src/targets/reference.ts";
import { cliInProcess } from "./cli_in_process.ts";

const TWO_TENANTS = `name: Workers
seed: 11
duration: 3s
arrivals: poisson
timeout: 5s
mix: { search: 50, insert: 20, update: 10, delete: 10, metadata: 10 }
dataset: { size: 300, dim: 16, metric: cosine, clusters: 4, queries: 20, k: 20, collections: 2 }
tenants:
  - { name: a, load: { type: constant, qps: 30 }, concurrency: 6 }
  - { name: b, concurrency: 6, load: { type: random, min_qps: 5, max_qps: 30, interval: 1s, spike_probability: 20%, spike_qps: 40, spike_duration: 1s } }
recall: { share: 50%, k: 5 }
integrity: { sample: 1000 }
criteria:
  - recall@5 > 0.8
  - corruption == 0
`;

const datasetDir = await Deno.makeTempDir({ prefix: "akibench-workers-" });
globalThis.addEventListener("unload", () => Deno.removeSync(datasetDir, { recursive: true }));

/** Requests per tenant × operation: the mix of a run. */
function mix(r: RunResult) {
  return r.tenants.map((t) => `${t.tenant}/${t.operation}:${t.requests}`).sort();
}

async function run(workers: number): Promise<RunResult> {
  const target = await ReferenceTarget.start({ tenancy: true });
  try {
    const scenario = parseScenario(TWO_TENANTS, "workers.yaml", "full");
    return await runScenario(scenario, target, { datasetDir, workers });
  } finally {
    await target.close();
  }
}

Deno.test("run --workers 2: the same plan, counts, mix, recall samples and integrity as one worker", async () => {
  const one = await run(1);
  const two = await run(2);
  assert.ok(one.total_requests > 50, `${one.total_requests} requests`);
  assert.equal(two.total_requests, one.total_requests);
  assert.deepEqual(mix(two), mix(one));
  assert.equal(two.failed_requests, 0, JSON.stringify(two.operations[0].errors_by_class));
  assert.equal(one.failed_requests, 0);
  assert.equal(two.recall?.samples, one.recall?.samples);
  assert.ok(two.recall!.overall! > 0.8, `recall ${two.recall!.overall}`);
  assert.equal(two.integrity?.checked, one.integrity?.checked);
  assert.equal(two.integrity?.corruption, 0);
  // The same RunResult shape either way (a reason appears only when one run has one, e.g. a
  // generator starved by the busy machine).
  const keys = (r: RunResult) => Object.keys(r).filter((k) => k !== "status_reason").sort();
  assert.deepEqual(keys(two), keys(one));
  assert.deepEqual(
    two.series.per_second.slice(0, 3).map((p) => p.offered),
    one.series.per_second.slice(0, 3).map((p) => p.offered),
  );
});

Deno.test("run --workers 2: /metrics shows both workers' requests, errors, latency and in-flight, as the RunResult counts them, and recall during the load", async () => {
  const live = new LiveMetrics();
  const exporter = await startMetricsServer({
    port: 0,
    hostname: "127.0.0.1",
    render: () => live.render(),
  });
  // The server is killed once both workers have finished 60 requests, so connection errors
  // are merged too; the run is stopped (as by Ctrl-C) once some have been counted.
  const scenario = parseScenario(
    TWO_TENANTS.replace("duration: 3s", "duration: 60s"),
    "workers.yaml",
    "full",
  );
  const target = await ReferenceTarget.start({ tenancy: true });
  const stop = new AbortController();
  let result: RunResult;
  try {
    const run = runScenario(scenario, target, {
      datasetDir,
      workers: 2,
      live,
      signal: stop.signal,
    });
    const until = async (what: string, done: () => boolean) => {
      const deadline = performance.now() + 60_000; // a liveness bound, not a timing claim
      while (!done()) {
        if (performance.now() > deadline) throw new Error(`gave up waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until("60 requests", () => (live.status()?.requests ?? 0) >= 60);
    // Recall is live too, from the workers' journals (the server is still up: this is during
    // the load).
    await until("a live recall", () => live.status()?.recall != null);
    const liveRecall = live.status()!.recall!;
    assert.equal(liveRecall.k, 5);
    assert.ok(liveRecall.samples > 0 && liveRecall.value > 0.8, JSON.stringify(liveRecall));
    Deno.kill(target.pid, "SIGKILL");
    await until("5 errors", () => (live.status()?.errors ?? 0) >= 5);
    stop.abort();
    result = await run;
  } finally {
    await target.close();
  }
  try {
    const { samples } = parsePrometheusText(await (await fetch(exporter.url)).text());
    const sum = (name: string, labels: Record<string, string> = {}) =>
      samples.filter((s) =>
        s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
      ).reduce((n, s) => n + s.value, 0);
    assert.equal(result.status, "interrupted");
    assert.ok(result.failed_requests >= 5, `${result.failed_requests} failed`);
    assert.equal(sum("akibench_requests_total"), result.total_requests);
    assert.equal(
      sum("akibench_errors_total", { class: "connection" }),
      result.operations[0].errors_by_class.connection,
    );
    assert.equal(sum("akibench_errors_total"), result.failed_requests);
    assert.equal(sum("akibench_dropped_requests_total"), result.dropped_requests);
    assert.equal(
      sum("akibench_offered_requests_total"),
      result.series.per_second.reduce((n, p) => n + p.offered, 0),
    );
    for (const t of result.tenants) {
      const cell: Record<string, string> = t.operation === "all"
        ? { tenant: t.tenant! }
        : { tenant: t.tenant!, operation: t.operation };
      assert.equal(sum("akibench_requests_total", cell), t.requests, JSON.stringify(cell));
      assert.equal(
        sum("akibench_request_duration_seconds_count", cell),
        t.latency_ms.count,
        JSON.stringify(cell),
      );
    }
    assert.equal(
      sum("akibench_request_duration_seconds_count"),
      result.operations.filter((o) => o.operation !== "all")
        .reduce((n, o) => n + o.latency_ms.count, 0),
    );
    assert.equal(
      sum("akibench_schedule_lag_seconds_count"),
      result.series.per_second.reduce((n, p) => n + p.offered, 0),
    );
    assert.equal(sum("akibench_in_flight_requests"), 0);
    assert.deepEqual(
      samples.filter((s) => s.name === "akibench_in_flight_requests").map((s) => s.labels.tenant)
        .sort(),
      ["a", "b"],
    );
    // The status line's view: the merged seconds closed, every request counted.
    const status = live.status()!;
    assert.equal(status.requests, result.total_requests);
    assert.equal(status.elapsedS, result.series.per_second.length);
    assert.ok(status.p95Ms !== null);
  } finally {
    await exporter.close();
  }
});

Deno.test("run --workers: a bad count exits 2 with one line", async () => {
  for (const bad of ["0", "x", "65"]) {
    const { code, stderr } = await cliInProcess(["run", "baseline", "--workers", bad]);
    assert.equal(code, 2);
    assert.match(stderr, /--workers must be an integer in 1\.\.64/);
    assert.equal(stderr.split("\n").length, 1);
  }
});
