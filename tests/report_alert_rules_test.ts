import assert from "node:assert/strict";
import { parse } from "yaml";
import { renderJsonLines } from "../src/report/jsonl.ts";
import { renderOpenMetrics } from "../src/report/openmetrics.ts";
import { loadFixture } from "./fixtures/load_fixture.ts";

const PROMQL_WORDS = new Set([
  "sum",
  "by",
  "without",
  "rate",
  "irate",
  "deriv",
  "increase",
  "avg",
  "max",
  "min",
  "histogram_quantile",
  "and",
  "or",
  "unless",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "offset",
  "bool",
]);

/** Metric names an expression reads: identifiers outside label matchers, ranges and by() lists. */
function metricNames(expr: string): string[] {
  const stripped = expr.replace(/\{[^}]*\}/g, " ").replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without)\s*\([^)]*\)/g, " ");
  const ids = stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return ids.filter((id) => !PROMQL_WORDS.has(id));
}

Deno.test("every metric the alert rules use is in the OpenMetrics export", async () => {
  const rules = parse(await Deno.readTextFile("alerts/akibench.rules.yml")) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  const text = renderOpenMetrics([loadFixture("run_result.json")]);
  const sampleNames = new Set(
    text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/[{ ]/)[0]),
  );
  const alerts = rules.groups.flatMap((g) => g.rules);
  assert.deepEqual(alerts.map((r) => r.alert), ["HighLatency", "HighErrorRate", "MemoryLeak"]);
  for (const rule of alerts) {
    const names = metricNames(rule.expr);
    assert.ok(names.length > 0, rule.alert);
    for (const name of names) {
      assert.ok(sampleNames.has(name), `${rule.alert} uses ${name}, not exported`);
    }
  }
});

Deno.test("OpenMetrics export: typed families, grouped series in time order, monotonic counters, EOF", () => {
  const runs = [loadFixture("run_result.json"), loadFixture("run_result_failed.json")];
  const lines = renderOpenMetrics(runs).split("\n");
  assert.equal(lines.at(-2), "# EOF");
  assert.equal(lines.at(-1), "");
  const typed = new Map<string, string>();
  const seenSeries = new Set<string>();
  let current = "";
  let lastTs = -Infinity;
  let lastValue = -Infinity;
  for (const line of lines.slice(0, -2)) {
    const type = /^# TYPE (\S+) (gauge|counter)$/.exec(line);
    if (type) {
      assert.ok(!typed.has(type[1]), `family ${type[1]} appears twice`);
      typed.set(type[1], type[2]);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+) (\d+(\.\d+)?)$/.exec(line);
    assert.ok(m, `bad sample line: ${line}`);
    const family = [...typed.keys()].at(-1)!;
    assert.equal(m[1], typed.get(family) === "counter" ? `${family}_total` : family);
    const series = m[1] + (m[2] ?? "");
    const ts = Number(m[4]);
    const value = Number(m[3]);
    if (series !== current) {
      assert.ok(!seenSeries.has(series), `${series} is split`);
      seenSeries.add(series);
      current = series;
    } else {
      assert.ok(ts > lastTs, `${series} goes back in time`);
      if (typed.get(family) === "counter") assert.ok(value >= lastValue, `${series} decreases`);
    }
    lastTs = ts;
    lastValue = value;
  }
  assert.ok(seenSeries.has('akibench_requests_total{scenario="baseline"}'));
  assert.ok(seenSeries.has('akidb_tier_hot{scenario="spike"}'));
});

Deno.test("JSON lines export has one object per scenario and second with all series merged", () => {
  const run = loadFixture("run_result.json");
  const lines = renderJsonLines([run]).trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 60);
  assert.deepEqual(Object.keys(lines[5]).slice(0, 3), ["scenario", "time", "t"]);
  assert.equal(lines[5].time, "2026-11-28T06:00:05.000Z");
  assert.equal(lines[5].offered, run.series.per_second[5].offered);
  assert.equal(lines[5].target_rss_mb, run.series.resources[5].target_rss_mb);
  assert.equal(lines[5].akidb_tier_hot, run.series.target_metrics.akidb_tier_hot[1].value);
  assert.equal(lines[5].recall, run.recall!.series[1].recall);
});

Deno.test('target series keys with labels (name{k="v"}) export as one family with labels', () => {
  const run = loadFixture("run_result.json");
  run.series.target_metrics = {
    'akidb_tier_collections{tier="cold"}': [{ t: 0, value: 3 }],
    'akidb_tier_collections{tier="hot"}': [{ t: 0, value: 5 }, { t: 1, value: 6 }],
  };
  const text = renderOpenMetrics([run]);
  assert.equal(
    text.split("\n").filter((l) => l === "# TYPE akidb_tier_collections gauge").length,
    1,
  );
  assert.ok(text.includes('akidb_tier_collections{scenario="spike",tier="hot"} 6 1795845601'));
  assert.ok(text.includes('akidb_tier_collections{scenario="spike",tier="cold"} 3 1795845600'));
});
