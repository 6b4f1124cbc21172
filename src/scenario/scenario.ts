import type { Metric } from "../dataset/metric.ts";
import type { ProfileSpec } from "../load/load_spec.ts";
import type { Capabilities } from "../api/capabilities.ts";

/** Shares of each operation, as fractions summing to 1. */
export interface OperationMix {
  search: number;
  insert: number;
  update: number;
  delete: number;
  metadata: number;
}

export type Operation = keyof OperationMix;

/** How searches and writes pick a collection among a tenant's collections. */
export type CollectionAccess =
  | { type: "uniform" }
  /** Zipf(s) over all collections, or over a window of `size` that slides by one collection. */
  | { type: "zipf"; s: number; window?: { size: number; slideEveryS: number } };

export interface ScenarioDataset {
  /** Base vectors per tenant (or in total when the scenario has no tenants). */
  size: number;
  dim: number;
  metric: Metric;
  distribution: "clustered" | "uniform";
  clusters: number;
  queries: number;
  /** Ground-truth depth (≥ the recall k; deeper tolerates deletions). */
  k: number;
  /** Collections per tenant (or in total); the vectors are split evenly among them. */
  collections: number;
  access: CollectionAccess;
  /**
   * The dataset file (`dataset.file`), when the data is not generated: its resolved path and the
   * content hash the run must find in it (the scenario's pin, else the file's recorded hash;
   * null when neither exists).
   */
  file: { path: string; hash: string | null } | null;
}

export interface ScenarioTenant {
  name: string;
  load: ProfileSpec;
  concurrency: number;
  role: "admin" | "developer" | "viewer" | "auditor";
}

/** One step of the fault schedule handed to a target with the `faults` capability. */
export interface FaultStep {
  atS: number;
  durationS: number;
  s3LatencyMs?: number;
  s3ErrorRate?: number;
  /** Share of S3 requests answered 503 SlowDown. */
  s3ThrottleRate?: number;
}

export interface TieringPolicy {
  hotToWarmIdleS: number;
  warmToColdIdleS: number;
  warmToHotAccesses: number;
  warmToHotWindowS: number;
  /** How often the target evaluates the policy, when the scenario sets it. */
  checkIntervalS?: number;
  /** How often the target ships written documents to object storage, when set. */
  uploadIntervalS?: number;
}

/** A scenario after validation and scaling: everything the run needs, in base units. */
export interface Scenario {
  id: string;
  name: string;
  description: string;
  /** "full" or "smoke". */
  profile: "full" | "smoke";
  /** File the scenario came from. */
  source: string;
  seed: number;
  durationS: number;
  /** The single stream's load; null when tenants bring their own. */
  load: ProfileSpec | null;
  arrivals: "uniform" | "poisson";
  overflow: "queue" | "drop";
  concurrency: number;
  timeoutMs: number;
  mix: OperationMix;
  dataset: ScenarioDataset;
  tenants: ScenarioTenant[];
  recall: { share: number; k: number } | null;
  integrity: { sample: number } | null;
  requires: (keyof Capabilities)[];
  server: {
    tiering: TieringPolicy | null;
    faults: FaultStep[];
    /**
     * Factor on the target's retry backoff, breaker window and cooldown (AkiDB's 1 s..64 s and
     * 60 s), for a server akibench starts itself; null keeps the target's own timings.
     */
    resilienceTimeScale: number | null;
  };
  /** Target /metrics gauges sampled during the run. */
  metrics: string[];
  criteria: string[];
  /** Longest wait after the bulk load for the target's index backlog to be worked off. */
  indexWaitS: number;
  /** Seconds of unrecorded searches before the measured load (0: none). */
  warmupS: number;
  /** The max-sustained-rate probe after the measured load, when the scenario asks for one. */
  probe: RateProbeSpec | null;
  /** A sweep's steps, each a whole scenario run against its own fresh target; [] otherwise. */
  steps: ScenarioStep[];
  /** The step's name when this scenario is one step of a sweep, else null. */
  step: string | null;
}

/** One step of a sweep: the scenario with the step's overrides, its criteria selected for it. */
export interface ScenarioStep {
  name: string;
  scenario: Scenario;
}

/** A stepped open-model search rate probe (RunResult.probe), rates in requests/s. */
export interface RateProbeSpec {
  p95LimitMs: number;
  startQps: number;
  growth: number;
  stageS: number;
  maxQps: number;
}
