import type { Phase, RunResult, SecondPoint, TrafficStats } from "../result/run_result.ts";
import type { TrafficLabel } from "../metrics/traffic_label.ts";

// The label a RequestFactory gives each request, re-exported as part of the load contract.
export type { TrafficLabel };

/** Offered load over time, as data (what a scenario's YAML holds). Durations in seconds. */
export type ProfileSpec =
  | { type: "constant"; qps: number }
  /** Linear from from_qps to to_qps over the whole duration. */
  | { type: "ramp"; from_qps: number; to_qps: number }
  /** k6-style stages: piecewise linear from start_qps, each stage ending at target_qps. */
  | {
    type: "stages";
    start_qps: number;
    stages: { name: string; duration_s: number; target_qps: number }[];
  }
  /** baseline → ramp up → hold → ramp down → recovery (the spike scenario). */
  | {
    type: "spike";
    baseline_qps: number;
    spike_qps: number;
    baseline_s: number;
    ramp_up_s: number;
    hold_s: number;
    ramp_down_s: number;
    recovery_s: number;
  }
  /** Seeded random walk between min and max, changing every interval_s, with random spikes. */
  | {
    type: "random";
    min_qps: number;
    max_qps: number;
    interval_s: number;
    spike_probability: number;
    spike_qps: number;
    spike_s: number;
  };

/** A rate profile as a pure function of time since the start of the load (seconds). */
export interface RateProfile {
  rate(t: number): number;
  durationS: number;
  /** Named windows (e.g. spike: baseline, ramp_up, hold, ramp_down, recovery). */
  phases: Phase[];
}

/** One client pool: its own offered load and in-flight limit (a tenant, or the only one). */
export interface Stream {
  tenant: string;
  profile: RateProfile;
  maxInFlight: number;
}

export interface LoadSpec {
  durationS: number;
  arrivals: "uniform" | "poisson";
  /** When a stream's in-flight limit is reached: queue (latency still from intended time) or drop. */
  overflow: "queue" | "drop";
  timeoutMs: number;
  seed: number;
  streams: Stream[];
}

/**
 * Decides what arrival `index` of `stream` does. Called in schedule order with deterministic
 * inputs, so the same seed yields the same request sequence.
 */
export type RequestFactory<R> = (
  stream: Stream,
  index: number,
  /** The arrival's intended send time, seconds since the load began. */
  intendedS: number,
) => { label: TrafficLabel; request: R };

/**
 * Keeps a stateful RequestFactory in step for an arrival another shard sends: it makes the same
 * random draws and state changes as the factory would for (stream, index) but builds nothing.
 */
export type SkipArrival = (stream: Stream, index: number, intendedS: number) => void;

/**
 * Performs one request; resolves on success, throws on failure: a ClassifiedError (the targets'
 * TargetError) is counted under its class, any other error as classifyError says.
 */
export type Execute<R> = (request: R, signal: AbortSignal) => Promise<void>;

/** What the engine measured, in RunResult terms. */
export interface LoadOutcome {
  startTime: string;
  endTime: string;
  durationSeconds: number;
  interrupted: boolean;
  totals: Pick<
    RunResult,
    | "total_requests"
    | "successful_requests"
    | "failed_requests"
    | "dropped_requests"
    | "error_rate"
    | "latency_ms"
    | "throughput"
  >;
  operations: TrafficStats[];
  tenants: TrafficStats[];
  phases: TrafficStats[];
  phaseWindows: Phase[];
  perSecond: SecondPoint[];
  generator: RunResult["generator"];
}
