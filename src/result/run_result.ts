/**
 * RunResult: the versioned JSON document one scenario run produces. Every reporter (JSON,
 * Markdown, JUnit, HTML, compare) reads only this. Field names follow the seed design's
 * Appendix B (snake_case) and extend it. Times in ms unless a name says otherwise.
 */

export const RUN_RESULT_SCHEMA_VERSION = 1;

export type RunStatus = "passed" | "failed" | "skipped" | "invalid" | "interrupted";

/** Percentiles of one HDR histogram, in milliseconds. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** Stats of one slice of traffic: an operation, optionally within a tenant and/or a phase. */
export interface TrafficStats {
  operation: string; // "search" | "insert" | "update" | "delete" | "metadata" | "all"
  tenant?: string;
  phase?: string;
  requests: number;
  successful: number;
  failed: number;
  dropped: number;
  errors_by_class: Record<string, number>;
  /** Completion − intended send time (coordinated-omission free). */
  latency_ms: LatencySummary;
  /** Completion − actual send time. */
  service_time_ms: LatencySummary;
  /** HDR histograms (microseconds), base64 of hdr-histogram-js encodeIntoCompressedBase64. */
  histograms: { latency_us: string; service_time_us: string };
}

/** One second of the run. `t` is seconds since the start of the measured load. */
export interface SecondPoint {
  t: number;
  offered: number;
  achieved: number;
  successful: number;
  dropped: number;
  errors: Record<string, number>;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /**
   * This second's latency histogram over all operations (µs, encoded like TrafficStats
   * histograms); absent when nothing completed, and in results made before it was stored.
   * `compare` resamples these seconds for its latency intervals.
   */
  latency_us?: string;
  /**
   * This second's latency of each operation recorded under a qualified label (`op@qualifier`:
   * the tiered scenario's `search@hot|warm|cold`), by label; absent when none completed, and in
   * results made before it was recorded.
   */
  by_operation?: Record<string, SecondLatency>;
}

/**
 * Latency percentiles (ms) of the requests of one kind that completed in one second. No p99:
 * a second of one kind rarely holds enough requests for one, and a 45-minute run keeps 2,700.
 */
export interface SecondLatency {
  count: number;
  p50: number;
  p95: number;
}

export interface ResourcePoint {
  t: number;
  target_rss_mb: number | null;
  target_cpu_percent: number | null;
  generator_rss_mb: number;
  /** Null for the first sample, which has no interval behind it. */
  generator_cpu_percent: number | null;
  event_loop_lag_ms: number;
  /** MB the vectors acknowledged since the load began cost the target (RunResult.memory_mb.written). */
  written_mb?: number;
}

export interface Phase {
  name: string;
  start_s: number;
  end_s: number;
}

export interface CriterionResult {
  /** The expression as written in the scenario, e.g. "p95(search) < 25ms". */
  expression: string;
  metric: string;
  comparator: "<" | "<=" | ">" | ">=" | "==" | "!=";
  threshold: number;
  observed: number | null;
  unit: string;
  passed: boolean;
  /** Why it failed or could not be evaluated, when it did not pass. */
  reason?: string;
  /** Latencies a latency percentile was read from (absent for other criteria and older results). */
  samples?: number;
}

export interface Environment {
  akibench_version: string;
  git_commit: string | null;
  deno_version: string;
  v8_version: string;
  typescript_version: string;
  os: string;
  arch: string;
  cpu_model: string;
  cpu_count: number;
  memory_gb: number;
}

export interface RunResult {
  schema_version: typeof RUN_RESULT_SCHEMA_VERSION;
  /** Scenario id (file stem), e.g. "baseline". */
  scenario_id: string;
  /** Human title, e.g. "Baseline Performance". */
  scenario: string;
  description: string;
  /** "smoke" or "full". */
  profile: string;
  status: RunStatus;
  /** Why the run was skipped, invalid or interrupted. */
  status_reason?: string;
  seed: number;
  scenario_hash: string;
  start_time: string;
  end_time: string;
  duration_seconds: number;
  total_requests: number;
  successful_requests: number;
  failed_requests: number;
  dropped_requests: number;
  error_rate: number;
  latency_ms: { p50: number; p90: number; p95: number; p99: number; max: number };
  throughput: { average_qps: number; peak_qps: number; offered_qps: number };
  memory_mb: {
    start: number;
    end: number;
    peak: number;
    growth_per_min: number;
    /** What the vectors the target acknowledged writing during the load cost it, at `bytes_per_vector` each. */
    written?: number;
    /** Growth per minute of RSS minus `written`: what the written data does not explain. */
    growth_beyond_writes_per_min?: number;
    /** Target bytes per stored vector that `written` counts (absent in results before it was measured: dim × 4). */
    bytes_per_vector?: number;
    /** `bulk_load`: the target's RSS growth per vector over the bulk load; `raw`: dim × 4. */
    bytes_per_vector_source?: "bulk_load" | "raw";
    /** Why `raw` (e.g. "bulk load of 400 vectors, under 10000"); absent in older results. */
    bytes_per_vector_raw_reason?: string;
    /** Where RSS was read: /proc (`proc`) or a Prometheus family (`process`, `namedprocess`, `node`: the whole machine). */
    source?: ResourceSource;
  } | null;
  /** Per core (200 = two cores busy); `source` as for memory_mb. */
  cpu_percent: { average: number; peak: number; source?: ResourceSource } | null;
  success_criteria: { passed: boolean; failures: string[]; results: CriterionResult[] };
  /** Per operation across all tenants and phases (operation "all" first). */
  operations: TrafficStats[];
  /** Per tenant × operation, when the scenario has tenants. */
  tenants: TrafficStats[];
  /** Per phase × operation, when the load profile has named phases. */
  phases: TrafficStats[];
  phase_windows: Phase[];
  recall: {
    k: number;
    /** The scenario's k, when the target returns fewer matches (k is then its maximum). */
    capped_from?: number;
    samples: number;
    overall: number | null;
    series: { t: number; recall: number; samples: number }[];
  } | null;
  integrity: {
    checked: number;
    missing: number;
    corrupted: number;
    resurrected: number;
    corruption: number;
  } | null;
  /**
   * Post-run checks by name (optional; added by the run orchestration): crashes (1 when the
   * target stopped answering), cross_tenant_leaks, denied_writes_accepted, audit_coverage,
   * recovery_time (ms from the last fault's end until the breaker stayed closed and the DLQ
   * empty; absent when the target had not recovered by the end).
   */
  checks?: Record<string, number>;
  generator: {
    valid: boolean;
    reason?: string;
    schedule_lag_ms: LatencySummary;
    event_loop_lag_p99_ms: number;
  };
  series: {
    per_second: SecondPoint[];
    resources: ResourcePoint[];
    /** Target /metrics gauges over time, e.g. tier counts or circuit-breaker state. */
    target_metrics: Record<string, { t: number; value: number }[]>;
  };
  dataset: {
    name: string;
    hash: string;
    size: number;
    dimension: number;
    metric: string;
    queries: number;
    k: number;
  };
  target: { name: string; version: string; url: string | null };
  environment: Environment;
  /**
   * `run --repeat N` (N ≥ 2): a summary of each of the N runs of the scenario, in order. The
   * rest of this RunResult is the first of them in full. `compare` judges two results that both
   * have repeats by the spread between their runs (load that drifts between runs), which no
   * interval from within one run can see.
   */
  repeats?: RepeatSummary[];
  /**
   * The bulk load before the measured load: seconds to generate (with ground truth) or read the
   * dataset, vectors, seconds until the last was acknowledged,
   * seconds until the target reported them indexed (`index_pending`: its backlog left when the
   * wait ended, null when it reports none) and its RSS then, at rest (null when not read).
   * Absent in results made before it was recorded.
   */
  setup?: {
    dataset_s: number;
    vectors: number;
    load_s: number;
    vectors_per_s: number;
    index_s: number;
    index_pending: number | null;
    rss_at_rest_mb: number | null;
  };
  /**
   * The unrecorded searches sent before the measured load (scenario `warmup`), when there were
   * any: how long, how many, how many failed, and their p95 (ms) for comparison.
   */
  warmup?: { duration_s: number; requests: number; failed: number; p95_ms: number | null };
  /** The scenario's sustained-rate probe after the measured load, when it has one. */
  probe?: RateProbeResult;
  /** The step's name, when this is one step of a sweep. */
  step?: string;
  /**
   * A sweep (`steps` in the scenario): every step's own RunResult, in order, each judged on
   * its own criteria (a step that could not run has every criterion failed with its reason).
   * The run's traffic fields are those of the last step that ran; its criteria are all steps'.
   */
  steps?: RunResult[];
  /**
   * A merged sharded run (`akibench merge`): each shard's clock offset from the target's, its
   * own request count and generator check, and its resource series (the run's own resource
   * fields are shard 0's).
   */
  shards?: ShardSummary[];
}

/** A stepped-rate probe: the highest open-model search rate whose p95 stayed under the limit. */
export interface RateProbeResult {
  kind: "stepped_open_model";
  p95_limit_ms: number;
  /** Seconds of unrecorded searches at the first stage's rate before it (scenario `warmup`). */
  warmup_s?: number;
  stage_s: number;
  growth: number;
  /** The highest stage rate that held; null when the first stage did not. */
  max_sustained_qps: number | null;
  /** Why the probe ended. */
  stopped_by: string;
  /**
   * What ended it: the target (p95 over the limit, errors or drops), the load generator falling
   * behind (the rate measured is then the generator's limit, not the target's), max_qps, Ctrl-C.
   */
  limited_by?: "target" | "generator" | "max_qps" | "interrupted";
  stages: {
    offered_qps: number;
    achieved_qps: number;
    p95_ms: number | null;
    failed: number;
    dropped: number;
    held: boolean;
  }[];
}

/** One shard of a merged run. */
export interface ShardSummary {
  index: number;
  count: number;
  start_time: string;
  /** Target clock minus the shard's (ms), from the target's Date header; null if unknown. */
  clock_offset_ms: number | null;
  total_requests: number;
  failed_requests: number;
  dropped_requests: number;
  generator: RunResult["generator"];
  memory_mb: RunResult["memory_mb"];
  cpu_percent: RunResult["cpu_percent"];
  resources: ResourcePoint[];
}

/** What `compare` needs of one repeated run: per-operation counts and latency, memory growth. */
export interface RepeatSummary {
  status: RunStatus;
  duration_seconds: number;
  operations: Pick<
    TrafficStats,
    "operation" | "requests" | "successful" | "failed" | "dropped" | "latency_ms"
  >[];
  memory_growth_per_min: number | null;
}

/** What `deno task bench` writes next to the per-scenario results. */
export interface SuiteResult {
  schema_version: typeof RUN_RESULT_SCHEMA_VERSION;
  start_time: string;
  end_time: string;
  profile: string;
  status: RunStatus;
  runs: { scenario_id: string; status: RunStatus; file: string }[];
  /**
   * Scenarios not finished yet, in order, while the suite runs: `run` rewrites the suite files
   * after each scenario, so a suite stopped or killed midway leaves an index of what finished.
   * Absent once the suite has ended.
   */
  pending?: string[];
}

/** RSS growth over the load minus what the vectors written cost the target (MB); null if not counted. */
export function growthBeyondWritesMb(m: NonNullable<RunResult["memory_mb"]>): number | null {
  return m.written === undefined ? null : m.end - m.start - m.written;
}

/**
 * Where a resource reading came from: `proc` (/proc/<pid> on this machine), or the metric family
 * a Prometheus endpoint exposes: `process` (the standard process collector: process_*),
 * `namedprocess` (process-exporter: namedprocess_namegroup_*) or `node` (node_exporter: node_*,
 * the whole machine).
 */
export type ResourceSource = "proc" | "process" | "namedprocess" | "node";
