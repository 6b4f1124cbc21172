import type { RunResult, ShardSummary } from "./run_result.ts";

/**
 * Beyond this, a shard's clock is too far from the target's for --start-at to align shards. It
 * is this wide because the Date header itself is only good to about a second: Deno.serve (the
 * reference server) caches it, and on this machine it turned over 70–580 ms after the second
 * had (curl -sI against `akibench serve`, 8 turnovers, a busy machine).
 */
export const CLOCK_OFFSET_WARN_MS = 1000;

/**
 * What a report reads of one shard's result file (the whole format is ShardFile in
 * shard/shard_file.ts): which shard it is, its clock's offset and its own RunResult.
 */
export interface ShardFileHead {
  kind: "akibench-shard";
  shard: { index: number; count: number };
  /** Target clock minus this shard's clock (ms), from the target's Date header; null if unknown. */
  clock_offset_ms: number | null;
  run: RunResult;
}

/** What a run's report shows of one shard (the merged run keeps one per shard). */
export function shardSummary(s: ShardFileHead): ShardSummary {
  return {
    index: s.shard.index,
    count: s.shard.count,
    start_time: s.run.start_time,
    clock_offset_ms: s.clock_offset_ms,
    total_requests: s.run.total_requests,
    failed_requests: s.run.failed_requests,
    dropped_requests: s.run.dropped_requests,
    generator: s.run.generator,
    memory_mb: s.run.memory_mb,
    cpu_percent: s.run.cpu_percent,
    resources: s.run.series.resources,
  };
}
