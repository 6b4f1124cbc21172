import assert from "node:assert/strict";
import { CriterionError } from "../src/criteria/criterion.ts";
import { parseCriterion } from "../src/criteria/parse.ts";

Deno.test("latency criteria: operation, selectors, comparators and time units", () => {
  const c = parseCriterion("p95(search) < 25ms");
  assert.equal(c.kind, "latency");
  assert.equal(c.stat, "p95");
  assert.deepEqual(c.traffic, { operation: "search" });
  assert.equal(c.comparator, "<");
  assert.equal(c.threshold, 25);
  assert.equal(c.unit, "ms");
  assert.equal(c.metric, "p95(search)");
  assert.deepEqual(parseCriterion("p99 < 50ms").traffic, { operation: "all" });
  assert.equal(parseCriterion("p99 <= 2s").threshold, 2000);
  assert.equal(parseCriterion("max(insert) < 500us").threshold, 0.5);
  assert.equal(parseCriterion("p50 < 10").threshold, 10, "a bare number is milliseconds");
  assert.deepEqual(parseCriterion("p95(search){tenant=t6} < 25ms").traffic, {
    operation: "search",
    tenant: "t6",
  });
  assert.deepEqual(parseCriterion("p95{phase=hold} < 100ms").traffic, {
    operation: "all",
    phase: "hold",
  });
  assert.equal(parseCriterion("p95{phase=hold} < 100ms").metric, "p95(all){phase=hold}");
  assert.deepEqual(parseCriterion("p95(search){tier=cold} < 2s").traffic, {
    operation: "search",
    tier: "cold",
  });
  for (const op of ["<", "<=", ">", ">=", "==", "!="]) {
    assert.equal(parseCriterion(`p95 ${op} 1ms`).comparator, op);
  }
});

Deno.test("rates, resources, recall, integrity and checks convert to base units", () => {
  assert.equal(parseCriterion("error_rate < 0.1%").threshold, 0.001);
  assert.equal(parseCriterion("error_rate < 0.001").threshold, 0.001);
  assert.equal(parseCriterion("error_rate{phase=hold} < 1%").threshold, 0.01);
  assert.equal(parseCriterion("memory_growth < 10MB/min").threshold, 10);
  assert.equal(parseCriterion("memory_growth < 1GB/min").threshold, 1024);
  assert.equal(parseCriterion("memory_peak < 15GB").threshold, 15 * 1024);
  assert.equal(parseCriterion("memory_growth_total < 100MB").unit, "MB");
  assert.equal(parseCriterion("cpu_avg < 80%").threshold, 80);
  assert.equal(parseCriterion("cpu_avg < 80").threshold, 80);
  const r = parseCriterion("recall@10 > 0.95");
  assert.equal(r.kind, "recall");
  assert.equal(r.k, 10);
  assert.equal(parseCriterion("recall@100 >= 95%").threshold, 0.95);
  assert.equal(parseCriterion("dropped == 0").kind, "dropped");
  assert.equal(parseCriterion("corruption == 0").kind, "integrity");
  assert.equal(parseCriterion("data_loss == 0").kind, "integrity");
  assert.equal(parseCriterion("crashes == 0").kind, "check");
  assert.equal(parseCriterion("audit_coverage >= 100%").threshold, 1);
});

Deno.test("target gauges: stat, name and labels keyed like the sampler's series", () => {
  const c = parseCriterion("max(target:akidb_circuit_breaker_trips_total) >= 1");
  assert.equal(c.kind, "target_gauge");
  assert.equal(c.stat, "max");
  assert.equal(c.gauge, "akidb_circuit_breaker_trips_total");
  const labelled = parseCriterion(
    'increase(target:akidb_tier_transitions_total{to="warm", from=cold}) > 0',
  );
  assert.equal(labelled.gauge, 'akidb_tier_transitions_total{from="cold",to="warm"}');
  assert.equal(parseCriterion("last(target:akidb_dlq_size) == 0").stat, "last");
});

Deno.test("unknown metrics, operations, selectors, units and bad syntax are config errors", () => {
  const bad: [string, RegExp][] = [
    ["p42 < 3ms", /unknown metric "p42"/],
    ["latency < 3ms", /unknown metric "latency"/],
    ["p95(fetch) < 3ms", /unknown operation "fetch"/],
    ["p95{region=eu} < 3ms", /bad selector "region=eu"/],
    ["p95{tenant=a,phase=b} < 3ms", /tenant or a phase, not both/],
    ["error_rate < 5ms", /unit "ms" does not fit/],
    ["p95 < 5%", /unit "%" does not fit/],
    ["dropped == 0%", /unit "%" does not fit/],
    ["p95 25ms", /cannot parse/],
    ["p95 < fast", /cannot parse/],
    ["", /cannot parse/],
    ["p95(target:akidb_dlq_size) > 0", /target gauges take max, min, last or increase/],
    ["max(target:bad name) > 0", /bad metric name/],
    ["recall@10(search) > 0.9", /takes no arguments/],
    ["cpu_avg(search) < 50%", /takes no arguments/],
  ];
  for (const [text, why] of bad) {
    assert.throws(
      () => parseCriterion(text),
      (e: Error) => e instanceof CriterionError && why.test(e.message),
      text,
    );
  }
});
