import type { Dataset } from "../dataset/dataset.ts";
import { EMPTY_SUMMARY } from "../metrics/histogram.ts";
import {
  type Environment,
  RUN_RESULT_SCHEMA_VERSION,
  type RunResult,
  type RunStatus,
} from "../result/run_result.ts";
import type { Scenario } from "../scenario/scenario.ts";

/** A RunResult with the scenario's identity and no traffic: the base every run fills in. */
export function resultShell(
  scenario: Scenario,
  hash: string,
  env: Environment,
  target: RunResult["target"],
  status: RunStatus,
  statusReason?: string,
): RunResult {
  const now = new Date().toISOString();
  return {
    schema_version: RUN_RESULT_SCHEMA_VERSION,
    scenario_id: scenario.id,
    scenario: scenario.name,
    description: scenario.description,
    profile: scenario.profile,
    status,
    ...(statusReason !== undefined ? { status_reason: statusReason } : {}),
    seed: scenario.seed,
    scenario_hash: hash,
    start_time: now,
    end_time: now,
    ...noTraffic(),
    generator: {
      valid: true,
      schedule_lag_ms: { ...EMPTY_SUMMARY },
      event_loop_lag_p99_ms: 0,
    },
    series: { per_second: [], resources: [], target_metrics: {} },
    dataset: {
      name: "",
      hash: "",
      size: scenario.dataset.size * Math.max(1, scenario.tenants.length),
      dimension: scenario.dataset.dim,
      metric: scenario.dataset.metric,
      queries: scenario.dataset.queries,
      k: scenario.dataset.k,
    },
    target,
    environment: env,
  };
}

/** The counts, latencies, criteria and checks of a RunResult that carried no traffic. */
export function noTraffic() {
  return {
    duration_seconds: 0,
    total_requests: 0,
    successful_requests: 0,
    failed_requests: 0,
    dropped_requests: 0,
    error_rate: 0,
    latency_ms: { p50: 0, p90: 0, p95: 0, p99: 0, max: 0 },
    throughput: { average_qps: 0, peak_qps: 0, offered_qps: 0 },
    memory_mb: null,
    cpu_percent: null,
    success_criteria: { passed: false, failures: [], results: [] },
    operations: [],
    tenants: [],
    phases: [],
    phase_windows: [],
    recall: null,
    integrity: null,
  } satisfies Partial<RunResult>;
}

/** The RunResult.dataset block of a loaded dataset. */
export function datasetBlock(d: Dataset): RunResult["dataset"] {
  return {
    name: d.name,
    hash: d.hash,
    size: d.size,
    dimension: d.dim,
    metric: d.metric,
    queries: d.queries,
    k: d.k,
  };
}
