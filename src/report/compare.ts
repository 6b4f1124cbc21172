import type { RunResult, TrafficStats } from "../result/run_result.ts";
import { decodeHistogram } from "./histogram_decode.ts";

/**
 * Run comparison with a noise guard. A metric regresses when it is worse than the base by more
 * than the relative tolerance AND by more than an absolute floor:
 * - latency percentiles (p50…p99.9, from the decoded HDR histograms): floor 1 ms, and only when
 *   both runs have at least 10 samples beyond the percentile (count × (1 − p) ≥ 10);
 * - throughput (req/s): floor 1 req/s; error rate: floor 0.1 percentage point;
 * - recall: floor 0.005; memory growth: floor 1 MB/min.
 * Changes inside the guard are reported as "noise", never as regressions.
 */
export interface CompareOptions {
  /** Relative tolerance, e.g. 0.1 for 10%. */
  tolerance: number;
}

export type Verdict = "ok" | "improved" | "regressed" | "noise";

export interface MetricComparison {
  scenario: string;
  operation: string;
  metric: string;
  unit: string;
  base: number | null;
  next: number | null;
  /** (next − base) / base, or null when base is 0 or missing. */
  change: number | null;
  verdict: Verdict;
  note?: string;
}

export interface Comparison {
  tolerance: number;
  rows: MetricComparison[];
  onlyInBase: string[];
  onlyInNew: string[];
  /** Scenarios not compared because either side did not run (skipped, invalid, interrupted). */
  notCompared: { scenario: string; reason: string }[];
  regressions: number;
}

/** Minimum samples beyond a percentile for it to count (e.g. p99 needs ≥ 1000 samples). */
export const MIN_TAIL_SAMPLES = 10;
export const LATENCY_FLOOR_MS = 1;

const PERCENTILES: [string, number][] = [
  ["p50", 50],
  ["p90", 90],
  ["p95", 95],
  ["p99", 99],
  ["p99.9", 99.9],
];

interface Judge {
  higherIsWorse: boolean;
  floor: number;
}

function judge(base: number | null, next: number | null, j: Judge, tol: number): {
  change: number | null;
  verdict: Verdict;
  note?: string;
} {
  if (base === null || next === null) return { change: null, verdict: "ok", note: "not measured" };
  const change = base === 0 ? null : (next - base) / Math.abs(base);
  const worse = j.higherIsWorse ? next - base : base - next;
  const beyondTolerance = Math.abs(worse) > tol * Math.abs(base);
  if (!beyondTolerance) return { change, verdict: "ok" };
  if (Math.abs(worse) < j.floor) {
    return { change, verdict: "noise", note: `difference below ${j.floor}` };
  }
  return { change, verdict: worse > 0 ? "regressed" : "improved" };
}

function percentilesOf(s: TrafficStats): Map<string, number> | null {
  const h = decodeHistogram(s.histograms.latency_us);
  if (!h) return null;
  const out = new Map<string, number>();
  for (const [name, p] of PERCENTILES) out.set(name, h.getValueAtPercentile(p) / 1000);
  out.set("count", h.totalCount);
  h.destroy();
  return out;
}

function compareOperation(
  scenario: string,
  base: TrafficStats,
  next: TrafficStats,
  durations: [number, number],
  tol: number,
): MetricComparison[] {
  const rows: MetricComparison[] = [];
  const pb = percentilesOf(base);
  const pn = percentilesOf(next);
  const op = base.operation;
  for (const [name, p] of PERCENTILES) {
    const b = pb?.get(name) ?? null;
    const n = pn?.get(name) ?? null;
    const tail = (count: number) => count * (1 - p / 100);
    const r = judge(b, n, { higherIsWorse: true, floor: LATENCY_FLOOR_MS }, tol);
    if (r.verdict === "regressed" || r.verdict === "improved") {
      const few = Math.min(tail(pb!.get("count")!), tail(pn!.get("count")!)) < MIN_TAIL_SAMPLES;
      if (few) {
        r.verdict = "noise";
        r.note = `fewer than ${MIN_TAIL_SAMPLES} samples beyond ${name}`;
      }
    } else if (r.verdict === "noise") r.note = `difference below ${LATENCY_FLOOR_MS} ms`;
    rows.push({
      scenario,
      operation: op,
      metric: `latency ${name}`,
      unit: "ms",
      base: b,
      next: n,
      ...r,
    });
  }
  const qps = (s: TrafficStats, d: number) => d > 0 ? s.successful / d : null;
  const tb = qps(base, durations[0]);
  const tn = qps(next, durations[1]);
  rows.push({
    scenario,
    operation: op,
    metric: "throughput",
    unit: "req/s",
    base: tb,
    next: tn,
    ...judge(tb, tn, { higherIsWorse: false, floor: 1 }, tol),
  });
  const er = (s: TrafficStats) => s.requests > 0 ? (s.failed + s.dropped) / s.requests : null;
  rows.push({
    scenario,
    operation: op,
    metric: "error rate",
    unit: "ratio",
    base: er(base),
    next: er(next),
    ...judge(er(base), er(next), { higherIsWorse: true, floor: 0.001 }, tol),
  });
  return rows;
}

function compareScenario(base: RunResult, next: RunResult, tol: number): MetricComparison[] {
  const rows: MetricComparison[] = [];
  const id = base.scenario_id;
  for (const b of base.operations) {
    const n = next.operations.find((o) => o.operation === b.operation);
    if (n) {
      rows.push(...compareOperation(id, b, n, [base.duration_seconds, next.duration_seconds], tol));
    }
  }
  const recallB = base.recall?.overall ?? null;
  const recallN = next.recall?.overall ?? null;
  if (recallB !== null || recallN !== null) {
    rows.push({
      scenario: id,
      operation: "all",
      metric: "recall",
      unit: "",
      base: recallB,
      next: recallN,
      ...judge(recallB, recallN, { higherIsWorse: false, floor: 0.005 }, tol),
    });
  }
  const memB = base.memory_mb?.growth_per_min ?? null;
  const memN = next.memory_mb?.growth_per_min ?? null;
  if (memB !== null || memN !== null) {
    rows.push({
      scenario: id,
      operation: "all",
      metric: "memory growth",
      unit: "MB/min",
      base: memB,
      next: memN,
      ...judge(memB, memN, { higherIsWorse: true, floor: 1 }, tol),
    });
  }
  return rows;
}

const RAN = new Set(["passed", "failed"]);

/** Compares two sets of runs scenario by scenario. */
export function compareRuns(
  base: RunResult[],
  next: RunResult[],
  options: CompareOptions,
): Comparison {
  const rows: MetricComparison[] = [];
  const notCompared: Comparison["notCompared"] = [];
  const nextById = new Map(next.map((r) => [r.scenario_id, r]));
  const baseIds = new Set(base.map((r) => r.scenario_id));
  for (const b of base) {
    const n = nextById.get(b.scenario_id);
    if (!n) continue;
    if (!RAN.has(b.status) || !RAN.has(n.status)) {
      notCompared.push({ scenario: b.scenario_id, reason: `base ${b.status}, new ${n.status}` });
      continue;
    }
    rows.push(...compareScenario(b, n, options.tolerance));
  }
  return {
    tolerance: options.tolerance,
    rows,
    onlyInBase: base.filter((r) => !nextById.has(r.scenario_id)).map((r) => r.scenario_id),
    onlyInNew: next.filter((r) => !baseIds.has(r.scenario_id)).map((r) => r.scenario_id),
    notCompared,
    regressions: rows.filter((r) => r.verdict === "regressed").length,
  };
}
