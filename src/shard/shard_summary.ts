import type { ShardSummary } from "../result/run_result.ts";
import type { ShardFile } from "./shard_file.ts";

/** What a run's report shows of one shard (the merged run keeps one per shard). */
export function shardSummary(s: ShardFile): ShardSummary {
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
