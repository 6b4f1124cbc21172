import type { RunResult } from "../result/run_result.ts";
import { markdownTable } from "./markdown_table.ts";
import { clockWarning, SHARD_ALIGN, SHARD_HEADERS, shardCells } from "./shard_cells.ts";

/**
 * The shards of a sharded run (a merged run, or one shard's own): when each began, its clock's
 * offset from the target's, what it sent, its errors and drops, and whether its generator kept
 * the schedule. Nothing for other runs.
 */
export function shardsSection(run: RunResult): string[] {
  if (!run.shards || run.shards.length === 0) return [];
  const warning = clockWarning(run);
  return [
    "## Shards",
    "",
    markdownTable(SHARD_HEADERS, run.shards.map(shardCells), [...SHARD_ALIGN]),
    "",
    ...(warning ? [`⚠️ ${warning}`, ""] : []),
  ];
}
