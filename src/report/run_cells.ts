/** Formatted cells shared by the HTML and Markdown tables of a run report. */
import { growthBeyondWritesMb, type RunResult, type TrafficStats } from "../result/run_result.ts";
import { formatCount, formatMs, formatNumber, formatRatioPercent } from "./number_format.ts";

/** Headers of {@link overviewCells}: the summary table of the HTML and the Markdown report. */
export const OVERVIEW_HEADERS = [
  "Requests",
  "Successful",
  "Failed",
  "Dropped",
  "Error rate",
  "Avg QPS",
  "Peak QPS",
  "Offered QPS",
];

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

/** The resources-and-correctness rows: target memory and CPU, recall, integrity, checks, generator. */
export function resourceRows(run: RunResult): [string, string][] {
  const rows: [string, string][] = [];
  const m = run.memory_mb;
  if (m) {
    rows.push([
      "Target memory",
      `start ${formatNumber(m.start, 1)} MB, end ${formatNumber(m.end, 1)} MB, peak ${
        formatNumber(m.peak, 1)
      } MB, growth ${formatNumber(m.growth_per_min, 2)} MB/min`,
    ]);
    const beyond = beyondWritesText(m);
    if (beyond) rows.push(["Target memory beyond the vectors written", beyond]);
  }
  if (run.cpu_percent) {
    const c = run.cpu_percent;
    rows.push([
      "Target CPU",
      `average ${formatNumber(c.average, 1)}%, peak ${formatNumber(c.peak, 1)}%`,
    ]);
  }
  if (run.recall) {
    const r = run.recall;
    rows.push([
      `Recall@${r.k}`,
      `${formatNumber(r.overall, 4)} over ${formatCount(r.samples)} sampled queries${
        r.capped_from ? ` (k capped from ${r.capped_from}: the target returns at most ${r.k})` : ""
      }`,
    ]);
  }
  if (run.integrity) {
    const i = run.integrity;
    rows.push([
      "Integrity",
      `${
        formatCount(i.checked)
      } checked, ${i.missing} missing, ${i.corrupted} corrupted, ${i.resurrected} resurrected`,
    ]);
  }
  for (const [name, value] of Object.entries(run.checks ?? {})) {
    if (name === "recovery_time") {
      rows.push([
        "Time to recover",
        `${
          formatMs(value)
        } ms after the last fault ended (breaker closed, DLQ empty; sampled once a second)`,
      ]);
    } else rows.push([`Check ${name}`, String(value)]);
  }
  const g = run.generator;
  rows.push([
    "Generator",
    `${g.valid ? "valid" : `INVALID: ${g.reason ?? "saturated"}`}; schedule lag p99 ${
      formatMs(g.schedule_lag_ms.p99)
    } ms, event-loop lag p99 ${formatMs(g.event_loop_lag_p99_ms)} ms`,
  ]);
  return rows;
}

/**
 * "12.5 MB of vectors written (3.05 KB each, measured over the bulk load); growth beyond them
 * 4.1 MB, 0.52 MB/min", or null when the run did not count its writes.
 */
export function beyondWritesText(m: NonNullable<RunResult["memory_mb"]>): string | null {
  const beyond = growthBeyondWritesMb(m);
  if (beyond === null || m.growth_beyond_writes_per_min === undefined) return null;
  const each = m.bytes_per_vector === undefined
    ? ""
    : ` (${formatNumber(m.bytes_per_vector / 1024, 2)} KB each, ${
      m.bytes_per_vector_source === "bulk_load"
        ? "measured over the bulk load"
        : `raw floats: not measured${
          m.bytes_per_vector_raw_reason ? ` (${m.bytes_per_vector_raw_reason})` : ""
        }`
    })`;
  return `${formatNumber(m.written!, 1)} MB of vectors written${each}; growth beyond them ${
    formatNumber(beyond, 1)
  } MB, ${formatNumber(m.growth_beyond_writes_per_min, 2)} MB/min`;
}
