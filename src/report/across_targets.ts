import type { RunResult, RunStatus } from "../result/run_result.ts";
import { suiteStatus } from "../result/suite_status.ts";
import { percentileSpectrum } from "./percentile_spectrum.ts";

/** The runs of one target, under the label the comparison shows it by. */
export interface LabelledRuns {
  label: string;
  runs: RunResult[];
  /** The target's suite status, when known: it alone says a Ctrl-C came between two runs. */
  status?: RunStatus;
}

/** Latency (ms, from the intended send time) of one operation on one target. */
export interface OperationLatency {
  operation: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
}

/** What one target did in one scenario: the numbers the comparison sets side by side. */
export interface TargetCell {
  target: { name: string; version: string; url: string | null };
  status: RunStatus;
  reason: string | null;
  operations: OperationLatency[];
  offered_qps: number;
  /**
   * Requests answered without error per second. Not the run's average_qps, which counts failed
   * completions (timeouts included) too: in an open-model run every target completes about the
   * offered load, so that would set a target failing 40 % of its requests level with one that
   * answers them all.
   */
  achieved_qps: number;
  failed: number;
  dropped: number;
  error_rate: number;
  recall: { k: number; overall: number | null; samples: number } | null;
  integrity: { checked: number; missing: number; corrupted: number; resurrected: number } | null;
  rss_mb: { end: number; peak: number } | null;
  cpu_percent: { average: number; peak: number } | null;
  criteria: { passed: number; total: number; failures: string[] };
  /** Percentile spectrum of the scenario's compared operation: [1/(1−p), ms] points. */
  spectrum: [number, number][];
}

/** One scenario across the targets; `cells[i]` belongs to `labels[i]`, null when not run there. */
export interface ScenarioAcross {
  scenario_id: string;
  scenario: string;
  /** The operation whose percentile spectra are overlaid: search when any target searched. */
  spectrum_operation: string;
  cells: (TargetCell | null)[];
}

/** A comparison of the same scenarios run on several targets. */
export interface AcrossTargets {
  labels: string[];
  /** Each target's overall status (the worst of its runs). */
  statuses: RunStatus[];
  /** The worst status over every run. */
  status: RunStatus;
  profiles: string[];
  scenarios: ScenarioAcross[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function operationOf(runs: (RunResult | undefined)[]): string {
  const searched = runs.some((r) =>
    r?.operations.some((o) => o.operation === "search" && o.latency_ms.count > 0)
  );
  return searched ? "search" : "all";
}

function cellOf(run: RunResult, spectrumOperation: string): TargetCell {
  const results = run.success_criteria.results;
  const compared = run.operations.find((o) => o.operation === spectrumOperation);
  return {
    target: run.target,
    status: run.status,
    reason: run.status_reason ?? null,
    operations: run.operations.filter((o) => o.requests > 0).map((o) => ({
      operation: o.operation,
      requests: o.requests,
      p50: o.latency_ms.p50,
      p95: o.latency_ms.p95,
      p99: o.latency_ms.p99,
    })),
    offered_qps: run.throughput.offered_qps,
    achieved_qps: answeredQps(run),
    failed: run.failed_requests,
    dropped: run.dropped_requests,
    error_rate: run.error_rate,
    recall: run.recall
      ? { k: run.recall.k, overall: run.recall.overall, samples: run.recall.samples }
      : null,
    integrity: run.integrity
      ? {
        checked: run.integrity.checked,
        missing: run.integrity.missing,
        corrupted: run.integrity.corrupted,
        resurrected: run.integrity.resurrected,
      }
      : null,
    rss_mb: run.memory_mb ? { end: run.memory_mb.end, peak: run.memory_mb.peak } : null,
    cpu_percent: run.cpu_percent,
    criteria: {
      passed: results.filter((c) => c.passed).length,
      total: results.length,
      failures: results.filter((c) => !c.passed).map((c) => c.expression),
    },
    spectrum: compared && compared.latency_ms.count > 0
      ? percentileSpectrum(compared.histograms.latency_us).map((p) => [round3(p.x), round3(p.ms)])
      : [],
  };
}

/** The run's requests answered without error per second of load. */
export function answeredQps(run: RunResult): number {
  const completed = run.successful_requests + run.failed_requests;
  return completed === 0 ? 0 : run.throughput.average_qps * run.successful_requests / completed;
}

/**
 * Sets the targets' runs side by side, scenario by scenario in the order they first appear.
 * A target without a run of a scenario (interrupted before it, or given other scenarios) has a
 * null cell: shown as not run, never as passed.
 */
export function acrossTargets(targets: LabelledRuns[]): AcrossTargets {
  const ids: string[] = [];
  for (const t of targets) {
    for (const r of t.runs) if (!ids.includes(r.scenario_id)) ids.push(r.scenario_id);
  }
  const all = targets.flatMap((t) => t.runs);
  const statuses = targets.map((t) => t.status ?? suiteStatus(t.runs));
  return {
    labels: targets.map((t) => t.label),
    statuses,
    status: suiteStatus(all, statuses.includes("interrupted")),
    profiles: [...new Set(all.map((r) => r.profile))],
    scenarios: ids.map((id) => {
      const runs = targets.map((t) => t.runs.find((r) => r.scenario_id === id));
      const operation = operationOf(runs);
      return {
        scenario_id: id,
        scenario: runs.find((r) => r !== undefined)!.scenario,
        spectrum_operation: operation,
        cells: runs.map((r) => r ? cellOf(r, operation) : null),
      };
    }),
  };
}
