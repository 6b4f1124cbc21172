import type { CriterionResult } from "../result/run_result.ts";

export type Comparator = CriterionResult["comparator"];

/** What a criterion measures; decides where its value comes from and which units it takes. */
export type MetricKind =
  | "latency"
  | "error_rate"
  | "dropped"
  | "throughput"
  | "memory_rate"
  | "memory"
  | "cpu"
  | "recall"
  | "integrity"
  | "check"
  | "target_gauge";

/** Which slice of traffic a traffic metric reads. */
export interface TrafficSelector {
  operation: string;
  tenant?: string;
  phase?: string;
  tier?: string;
}

/** A parsed success criterion; `threshold` is in the metric's base `unit`. */
export interface Criterion {
  expression: string;
  /** Canonical metric text, e.g. "p95(search){phase=hold}". */
  metric: string;
  kind: MetricKind;
  /** Statistic: p95, max, error_rate, memory_growth, recall, corruption, max (gauge), … */
  stat: string;
  traffic?: TrafficSelector;
  /** recall@k's k. */
  k?: number;
  /** target_gauge's Prometheus name. */
  gauge?: string;
  comparator: Comparator;
  threshold: number;
  unit: string;
}

/** A criterion that cannot be parsed or names an unknown metric (a config error). */
export class CriterionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CriterionError";
  }
}
