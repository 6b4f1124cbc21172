import assert from "node:assert/strict";
import { runScenario } from "../src/run/run_scenario.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import { ReferenceTarget } from "../src/targets/reference.ts";

/** An S3 outage that trips the breaker and fills the DLQ, then a recovery phase. */
const OUTAGE = `name: Outage
seed: 3
load:
  type: stages
  start_qps: 60
  stages:
    - { name: steady, duration: 1s, target_qps: 60 }
    - { name: outage, duration: 4s, target_qps: 60 }
    - { name: recovery, duration: 8s, target_qps: 60 }
arrivals: poisson
concurrency: 8
timeout: 5s
mix: { search: 50, insert: 40, metadata: 10 }
dataset: { size: 300, dim: 16, metric: cosine, clusters: 4, queries: 20, k: 10 }
integrity: { sample: 1000 }
requires: [faults]
server:
  tiering:
    hot_to_warm_idle: 10m
    warm_to_cold_idle: 60m
    warm_to_hot_accesses: 10
    warm_to_hot_window: 1m
    upload_interval: 200ms
  faults:
    - { at: 1s, duration: 4s, s3_error_rate: 100% }
  resilience_time_scale: 0.05
criteria:
  - max(target:akidb_circuit_breaker_trips_total) >= 1
  - max(target:akidb_dlq_size) > 0
  - last(target:akidb_circuit_breaker_state) == 0
  - last(target:akidb_dlq_size) == 0
  - recovery_time < 8s
  - data_loss == 0
`;

Deno.test("end to end: after an S3 outage the reference server closes its breaker and replays its DLQ", async () => {
  const datasetDir = await Deno.makeTempDir({ prefix: "akibench-outage-" });
  const target = await ReferenceTarget.start({
    tiering: true,
    faults: true,
    resilienceTimeScale: 0.05,
  });
  try {
    const r = await runScenario(parseScenario(OUTAGE, "outage.yaml", "full"), target, {
      datasetDir,
    });
    const gauge = (name: string) => r.series.target_metrics[name].map((p) => p.value);
    assert.ok(gauge("akidb_circuit_breaker_state").includes(1), "the breaker opened");
    assert.ok(Math.max(...gauge("akidb_dlq_size")) > 0, "writes were dead-lettered");
    assert.equal(r.success_criteria.passed, true, r.success_criteria.failures.join("; "));
    assert.ok(r.checks?.recovery_time !== undefined && r.checks.recovery_time >= 0);
  } finally {
    await target.close();
    await Deno.remove(datasetDir, { recursive: true });
  }
});
