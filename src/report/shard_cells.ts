/** Formatted cells of the Shards table, shared by the HTML and Markdown reports. */
import type { RunResult, ShardSummary } from "../result/run_result.ts";
import { CLOCK_OFFSET_WARN_MS } from "../result/shard_summary.ts";
import { formatCount, formatMs } from "./number_format.ts";

/** Headers of {@link shardCells}; the Markdown alignment of each column. */
export const SHARD_HEADERS = [
  "Shard",
  "Began",
  "Clock offset (target − shard)",
  "Requests",
  "Errors",
  "Dropped",
  "Schedule lag p99 (ms)",
  "Kept up",
];
export const SHARD_ALIGN = ["l", "l", "r", "r", "r", "r", "r", "l"] as const;

/** Whether a shard's clock was further from the target's than --start-at can align. */
export function clockPastBound(s: ShardSummary): boolean {
  return s.clock_offset_ms !== null && Math.abs(s.clock_offset_ms) > CLOCK_OFFSET_WARN_MS;
}

/** One shard's row; a clock past the bound says so in its cell. */
export function shardCells(s: ShardSummary): string[] {
  const offset = s.clock_offset_ms === null ? "unknown" : `${s.clock_offset_ms} ms`;
  return [
    `${s.index}/${s.count}`,
    s.start_time,
    clockPastBound(s) ? `${offset} ⚠ past ±${CLOCK_OFFSET_WARN_MS} ms` : offset,
    formatCount(s.total_requests),
    formatCount(s.failed_requests),
    formatCount(s.dropped_requests),
    formatMs(s.generator.schedule_lag_ms.p99),
    s.generator.valid ? "yes" : `no: ${s.generator.reason ?? "saturated"}`,
  ];
}

/** The sentence under the table when some shard's clock was past the bound. */
export function clockWarning(run: RunResult): string | null {
  const past = (run.shards ?? []).filter(clockPastBound);
  if (past.length === 0) return null;
  return `Shard ${past.map((s) => `${s.index}/${s.count}`).join(", ")}: clock more than ` +
    `${CLOCK_OFFSET_WARN_MS} ms off the target's: one --start-at began its schedule that far ` +
    `from the target's time, and its seconds were merged by its own clock.`;
}
