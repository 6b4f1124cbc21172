/** Formatted cells shared by the HTML and Markdown tables of a run report. */
import type { RunResult, TrafficStats } from "../result/run_result.ts";
import { formatCount, formatMs, formatNumber, formatRatioPercent } from "./number_format.ts";

/** The summary row: requests, successful, failed, dropped, error rate, avg/peak/offered QPS. */
export function overviewCells(run: RunResult): string[] {
  const t = run.throughput;
  return [
    formatCount(run.total_requests),
    formatCount(run.successful_requests),
    formatCount(run.failed_requests),
    formatCount(run.dropped_requests),
    formatRatioPercent(run.error_rate),
    formatNumber(t.average_qps, 1),
    formatNumber(t.peak_qps, 1),
    formatNumber(t.offered_qps, 1),
  ];
}

/** Headers of {@link percentileCells}. */
export const PERCENTILE_HEADERS = ["p50", "p90", "p95", "p99", "p99.9", "max"];

/** A traffic slice's latency p50, p90, p95, p99, p99.9 and max in ms. */
export function percentileCells(s: TrafficStats): string[] {
  const l = s.latency_ms;
  return [l.p50, l.p90, l.p95, l.p99, l.p999, l.max].map(formatMs);
}
