import type { RunResult } from "../result/run_result.ts";
import { markdownTable } from "./markdown_table.ts";
import { formatCount, formatMs } from "./number_format.ts";

/**
 * The shards of a merged run (`akibench merge`): when each began, its clock's offset from the
 * target's, what it sent and whether its generator kept the schedule. Nothing for other runs.
 */
export function shardsSection(run: RunResult): string[] {
  if (!run.shards || run.shards.length === 0) return [];
  const rows = run.shards.map((s) => [
    `${s.index}/${s.count}`,
    s.start_time,
    s.clock_offset_ms === null ? "unknown" : `${s.clock_offset_ms} ms`,
    formatCount(s.total_requests),
    formatMs(s.generator.schedule_lag_ms.p99),
    s.generator.valid ? "yes" : `no: ${s.generator.reason ?? "saturated"}`,
  ]);
  return [
    "## Shards",
    "",
    markdownTable(
      [
        "Shard",
        "Began",
        "Clock offset (target − shard)",
        "Requests",
        "Schedule lag p99",
        "Kept up",
      ],
      rows,
      ["l", "l", "r", "r", "r", "l"],
    ),
    "",
  ];
}
