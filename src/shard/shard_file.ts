import type { ShardResult } from "../load/load_outcome.ts";
import type { RunIdentity } from "./run_identity.ts";
import type { RunResult } from "../result/run_result.ts";
import type { JournalData } from "../run/write_journal.ts";
import type { ShardFileHead } from "../result/shard_summary.ts";

/**
 * What one shard of a sharded run writes: its own RunResult (per-second series with each
 * second's histogram, resources, target gauges), the engine's mergeable ShardResult (encoded
 * histograms per operation × tenant × phase, schedule lag), when its load began, its clock's
 * offset from the target's, and the journal of its measured searches and writes.
 */
export interface ShardFile extends ShardFileHead {
  /** The scenario's criteria as written: the merge judges them on the merged result. */
  criteria: string[];
  /** When this shard's load began (its second 0), epoch ms on this shard's clock. */
  load_start_epoch_ms: number;
  /** Checks only this shard can make: recovery_time in the shard that ran the fault schedule. */
  checks: Record<string, number>;
  /** What went wrong in this shard besides its generator check (clock, late start, faults). */
  problems: string[];
  /** Per second, the histograms (µs, encoded) of qualified operations (search@hot…), by label. */
  by_operation_us: Record<string, string>[];
  load: ShardResult;
  journal: JournalData;
}

/** What `run --finish-only` judged over all shards' journals, for the merge. */
export interface FinishFile extends RunIdentity {
  kind: "akibench-finish";
  shards: number;
  recall: RunResult["recall"];
  integrity: RunResult["integrity"];
  checks: Record<string, number>;
  /** Problems of the finish (teardown, probes) that belong in the merged status reason. */
  problems: string[];
}

export function shardFileName(scenarioId: string, shard: { index: number; count: number }) {
  return `${scenarioId}.shard-${shard.index}-of-${shard.count}.json`;
}

export function finishFileName(scenarioId: string) {
  return `${scenarioId}.finish.json`;
}

/** Names like <id>.shard-I-of-N.json, and I and N. */
export const SHARD_FILE_NAME = /^(.+)\.shard-(\d+)-of-(\d+)\.json$/;
