import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "yaml";
import { LiveMetrics } from "../src/metrics/live_metrics.ts";
import { startMetricsServer } from "../src/metrics/metrics_server.ts";
import { parsePrometheusText } from "../src/metrics/prometheus_text.ts";
import { LATENCY_BUCKETS_S } from "../src/metrics/prometheus_histogram.ts";
import { runScenario } from "../src/run/run_scenario.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import { ReferenceTarget } from "../src/targets/reference.ts";
import { type PrometheusServer, startPrometheus } from "./prometheus_server.ts";
import { metricNames } from "./promql_names.ts";

/**
 * A real Prometheus (Debian `prometheus`) scrapes a short run against the real reference server
 * every second and evaluates alerts/akibench_live.rules.yml every second. Once Prometheus has
 * seen 80 successful requests the test kills the server, so every later request is refused: the
 * error-rate alert must fire then, and not before; then the run is stopped (as by Ctrl-C, so the
 * steps never depend on how fast the machine is). Prometheus's numbers must agree with the
 * RunResult, and every query of the Grafana dashboard must read only series the exporter
 * emitted and show data. The server runs with tiering and faults, so that the target's tier and
 * circuit-breaker gauges are passed through as they are for those scenarios.
 */

const LIVE = `name: Live
seed: 11
duration: 60s
load: { type: constant, qps: 40 }
arrivals: poisson
concurrency: 8
timeout: 2s
mix: { search: 60, insert: 20, metadata: 20 }
dataset: { size: 400, dim: 16, metric: cosine, clusters: 4, queries: 20, k: 20, collections: 2 }
recall: { share: 50%, k: 5 }
criteria:
  - p95 < 25ms
  - error_rate < 1%
`;

/** Polls `check` every 250 ms until it returns a value; a liveness bound, not a timing claim. */
async function waitFor<T>(what: string, check: () => Promise<T | null>, ms = 40_000): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== null) return v;
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The live rules with every `for:` set to 0s, so that one bad second is enough in a short run. */
async function immediateRules(dir: string): Promise<string> {
  const rules = await Deno.readTextFile("alerts/akibench_live.rules.yml");
  const file = join(dir, "live.rules.yml");
  await Deno.writeTextFile(file, rules.replace(/^(\s+)for: \S+$/gm, "$1for: 0s"));
  return file;
}

function scalar(result: { value: [number, string] }[]): number {
  assert.equal(result.length, 1, JSON.stringify(result));
  return Number(result[0].value[1]);
}

Deno.test("a real Prometheus scrapes a live run: series, P95 and the error-rate alert", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-live-" });
  const live = new LiveMetrics();
  const exporter = await startMetricsServer({
    port: 0,
    hostname: "127.0.0.1",
    render: () => live.render(),
  });
  let prometheus: PrometheusServer | null = null;
  const target = await ReferenceTarget.start({ tiering: true, faults: true });
  try {
    prometheus = await startPrometheus(new URL(exporter.url).host, [await immediateRules(dir)]);
    const prom = prometheus;
    const sel = `scenario="live",target="reference"`;
    const scenario = parseScenario(LIVE, "live.yaml", "full");
    const stop = new AbortController();
    const run = runScenario(scenario, target, {
      datasetDir: join(dir, "datasets"),
      live,
      signal: stop.signal,
    });

    // Once Prometheus has scraped 80 finished requests (all successful) and three samples of
    // the target's memory (for the dashboard's growth rate), the alert is quiet; then the
    // server dies and every later request is refused.
    const atLeast = (expr: string, n: number) => async () => {
      const r = await prom.query(expr);
      return r.length === 1 && Number(r[0].value[1]) >= n ? true : null;
    };
    await waitFor("80 requests scraped", atLeast(`sum(akibench_requests_total{${sel}})`, 80));
    await waitFor(
      "3 memory samples scraped",
      atLeast(`count_over_time(akibench_target_resident_memory_bytes{${sel}}[5m])`, 3),
    );
    // Recall is live: a recall sample scraped while the load runs (the run is stopped only
    // further down, by the test), from the searches the worker has scored so far.
    const during = await waitFor("a recall sample scraped during the load", async () => {
      const r = await prom.query(
        `akibench_recall_samples{${sel}} and on (scenario, target) ` +
          `(akibench_run_running{${sel}} == 1)`,
      );
      return r.length === 1 && Number(r[0].value[1]) > 0 ? r[0] : null;
    });
    const recallDuring = scalar(await prom.query(`akibench_recall{${sel}}`));
    assert.ok(recallDuring >= 0 && recallDuring <= 1, `${recallDuring}`);
    console.log(
      `during the load: akibench_recall = ${recallDuring.toFixed(4)} over ` +
        `akibench_recall_samples = ${during.value[1]} searches (k ${during.metric.k})`,
    );
    assert.equal(scalar(await prom.query(`sum(akibench_errors_total{${sel}})`)), 0);
    assert.deepEqual(
      (await prom.alerts()).filter((a) => a.labels.alertname === "AkibenchHighErrorRate"),
      [],
    );
    Deno.kill(target.pid, "SIGKILL");
    const firing = await waitFor("AkibenchHighErrorRate to fire", async () => {
      const a = (await prom.alerts()).find((a) =>
        a.labels.alertname === "AkibenchHighErrorRate" && a.state === "firing"
      );
      return a ?? null;
    });
    assert.equal(firing.labels.scenario, "live");
    assert.equal(firing.labels.target, "reference");

    stop.abort();
    const result = await run;
    assert.equal(result.status, "interrupted");
    assert.ok(result.failed_requests > 0, "requests failed after the kill");
    assert.equal(result.operations[0].errors_by_class.connection > 0, true);
    // Prometheus's last scrape holds the final counters and the final recall, set once every
    // measured search is scored after the load (the exporter stays up meanwhile): a scrape
    // between the two holds the final counters beside the live recall of fewer searches.
    await waitFor("the final counters and the recall scraped", async () => {
      const r = await prom.query(`sum(akibench_requests_total{${sel}})`);
      const samples = await prom.query(`akibench_recall_samples{${sel}}`);
      const final = r.length === 1 && Number(r[0].value[1]) === result.total_requests;
      return final && samples.length === 1 &&
          Number(samples[0].value[1]) === result.recall!.samples
        ? true
        : null;
    });
    console.log(
      `RunResult: recall@${result.recall!.k} ${result.recall!.overall} over ` +
        `${result.recall!.samples} searches`,
    );

    await t.step("every live family is stored", async () => {
      const names = new Set(
        (await prom.series(`{__name__=~"akibench_.+",${sel}}`)).map((s) => s.__name__),
      );
      for (
        const name of [
          "akibench_run_info",
          "akibench_run_elapsed_seconds",
          "akibench_run_duration_seconds",
          "akibench_offered_requests_total",
          "akibench_requests_total",
          "akibench_errors_total",
          "akibench_dropped_requests_total",
          "akibench_in_flight_requests",
          "akibench_request_duration_seconds_bucket",
          "akibench_request_duration_seconds_sum",
          "akibench_request_duration_seconds_count",
          "akibench_schedule_lag_seconds_bucket",
          "akibench_latency_limit_seconds",
          "akibench_recall",
          "akibench_recall_samples",
          "akibench_target_resident_memory_bytes",
          "akibench_target_cpu_percent",
          "akibench_generator_resident_memory_bytes",
          "akibench_event_loop_lag_seconds",
        ]
      ) assert.ok(names.has(name), `${name} missing; stored: ${[...names].sort().join(", ")}`);
      const ops = await prom.query(`sum by (operation) (akibench_requests_total{${sel}})`);
      assert.deepEqual(ops.map((r) => r.metric.operation).sort(), ["insert", "metadata", "search"]);
    });

    await t.step("counters agree with the RunResult", async () => {
      const q = async (expr: string) => scalar(await prom.query(expr));
      assert.equal(await q(`sum(akibench_requests_total{${sel}})`), result.total_requests);
      assert.equal(await q(`sum(akibench_errors_total{${sel}})`), result.failed_requests);
      assert.equal(
        await q(`sum(akibench_errors_total{${sel},class="connection"})`),
        result.operations[0].errors_by_class.connection,
      );
      assert.equal(
        await q(`sum(akibench_dropped_requests_total{${sel}})`),
        result.dropped_requests,
      );
      assert.equal(
        await q(`sum(akibench_request_duration_seconds_count{${sel}})`),
        result.operations[0].latency_ms.count,
      );
      assert.equal(
        await q(`sum(akibench_offered_requests_total{${sel}})`),
        result.series.per_second.reduce((n, p) => n + p.offered, 0),
      );
      assert.ok(Math.abs(await q(`akibench_recall{${sel}}`) - result.recall!.overall!) < 1e-9);
    });

    await t.step("histogram_quantile's P95 is in the RunResult P95's bucket", async () => {
      for (const q of [0.5, 0.95, 0.99]) {
        const expr =
          `histogram_quantile(${q}, sum by (le) (akibench_request_duration_seconds_bucket{${sel}}))`;
        const promS = scalar(await prom.query(expr));
        const ms = {
          0.5: result.latency_ms.p50,
          0.95: result.latency_ms.p95,
          0.99: result.latency_ms.p99,
        }[q]!;
        const s = ms / 1000;
        // The bucket holding the RunResult's value; HDR values are exact to 0.1 %.
        const upper = LATENCY_BUCKETS_S.findIndex((b) => s <= b * 1.001);
        const hi = upper < 0 ? Infinity : LATENCY_BUCKETS_S[upper];
        const lo = upper <= 0 ? 0 : LATENCY_BUCKETS_S[upper - 1];
        console.log(
          `${expr} = ${(promS * 1000).toFixed(2)} ms; RunResult p${q * 100} ${ms} ms; bucket (${
            lo * 1000
          }, ${hi * 1000}] ms`,
        );
        assert.ok(
          promS >= lo * 0.999 && promS <= hi * 1.001,
          `q${q}: Prometheus ${promS} s, RunResult ${s} s, bucket (${lo}, ${hi}]`,
        );
      }
    });

    await t.step(
      "every dashboard query and alert rule reads emitted series; every panel shows data",
      async () => {
        // Every name the exporter emitted in any scrape of the run (the target's gauges vanish
        // from the last scrapes: it was killed), and the final scrape's.
        const scraped = new Set([
          ...(await prom.series(`{job="akibench"}`)).map((s) => s.__name__),
          ...parsePrometheusText(await (await fetch(exporter.url)).text()).samples.map((s) =>
            s.name
          ),
        ]);
        const dashboard = JSON.parse(
          await Deno.readTextFile("deploy/grafana/dashboards/akibench.json"),
        ) as {
          panels: { title: string; targets?: { expr: string }[] }[];
          templating: { list: { query: { query: string } }[] };
        };
        const queries = dashboard.panels.flatMap((p) =>
          (p.targets ?? []).map((q) => ({ panel: p.title, expr: q.expr }))
        );
        assert.ok(queries.length >= 20, `${queries.length} queries`);
        const variables = dashboard.templating.list.map((v) => v.query.query);
        for (const expr of variables) {
          for (const name of metricNames(expr.replace(/^label_values\((.*), \w+\)$/, "$1"))) {
            assert.ok(scraped.has(name), `variable ${expr}: ${name} not emitted`);
          }
        }
        const rules = parse(await Deno.readTextFile("alerts/akibench_live.rules.yml")) as {
          groups: { rules: { alert: string; expr: string }[] }[];
        };
        for (const rule of rules.groups.flatMap((g) => g.rules)) {
          for (const name of metricNames(rule.expr)) {
            assert.ok(scraped.has(name), `alert ${rule.alert}: ${name} not emitted`);
          }
        }
        for (const { panel, expr } of queries) {
          const names = metricNames(expr);
          assert.ok(names.length > 0, `${panel}: ${expr}`);
          for (const name of names) assert.ok(scraped.has(name), `${panel}: ${name} not emitted`);
          const concrete = expr.replaceAll("$scenario", "live").replaceAll("$target", "reference")
            .replaceAll("$__rate_interval", "1m");
          const answer = await prom.queryRaw(concrete);
          assert.equal(answer.status, "success", `${panel}: ${concrete}: ${answer.error}`);
          assert.ok((await prom.queryRange(concrete)).length > 0, `${panel}: no data: ${concrete}`);
        }
      },
    );
  } finally {
    await prometheus?.stop();
    await target.close();
    await exporter.close();
    await Deno.remove(dir, { recursive: true });
  }
});
