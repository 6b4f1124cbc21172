import { judgeRun } from "../run/run_status.ts";
import { parseCriterion } from "../criteria/parse.ts";
import { buildOutcome, mergePhases, type ShardResult } from "../load/load_outcome.ts";
import { initHistograms } from "../metrics/histogram.ts";
import { SecondMerger } from "../metrics/second_merger.ts";
import type { Phase, RunResult, SecondPoint } from "../result/run_result.ts";
import type { LoadOutcome } from "../load/load_spec.ts";
import { withMergedTiers } from "../run/tier_traffic.ts";
import { identityMismatch, identityOf } from "./run_identity.ts";
import { RunPartError } from "./run_manifest.ts";
import type { FinishFile, ShardFile } from "./shard_file.ts";
import { shardSummary } from "../result/shard_summary.ts";

/** Shards whose load began further apart than this did not share a --start-at. */
const START_SPREAD_WARN_MS = 1000;

/**
 * Refuses shard results (named by `names`) that are not exactly the shards 0..N−1 of one run
 * (same scenario, profile, seed, scenario and dataset hash, the same N), and a finish of
 * another run. Each refusal is one line.
 */
export function checkShardSet(
  shards: { name: string; file: ShardFile }[],
  finish?: { name: string; file: FinishFile },
): void {
  if (shards.length === 0) throw new RunPartError("no shard results to merge");
  const first = shards[0];
  const count = first.file.shard.count;
  const seen = new Map<number, string>();
  for (const s of shards) {
    const mismatch = identityMismatch(
      first.name,
      identityOf(first.file.run),
      s.name,
      identityOf(s.file.run),
    );
    if (mismatch) throw new RunPartError(mismatch);
    if (s.file.shard.count !== count) {
      throw new RunPartError(
        `${s.name} is shard ${s.file.shard.index}/${s.file.shard.count} but ${first.name} is one of ${count}`,
      );
    }
    const twin = seen.get(s.file.shard.index);
    if (twin) throw new RunPartError(`${s.name} and ${twin} are both shard ${s.file.shard.index}`);
    seen.set(s.file.shard.index, s.name);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new RunPartError(
      `shard${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${count} missing`,
    );
  }
  if (finish) {
    const mismatch = identityMismatch(first.name, identityOf(first.file.run), finish.name, {
      ...finish.file,
    });
    if (mismatch) throw new RunPartError(mismatch);
    if (finish.file.shards !== count) {
      throw new RunPartError(`${finish.name} finished ${finish.file.shards} shards, not ${count}`);
    }
  }
}

/** One shard's load as the merge needs it. */
export interface ShardLoad {
  load: ShardResult;
  perSecond: SecondPoint[];
  /** Per second, its qualified operations' histograms (encoded, by label), when kept. */
  byOperationUs?: Record<string, string>[];
  /** When the shard's second 0 began (epoch ms). */
  startEpochMs: number;
  phases: Phase[];
}

/**
 * The shards' loads as one LoadOutcome: histograms added, each shard's seconds shifted by how
 * many whole seconds later than the first it began and summed second by second.
 */
export function mergeLoads(shards: ShardLoad[]): LoadOutcome {
  const start = Math.min(...shards.map((s) => s.startEpochMs));
  const merger = new SecondMerger<null>(shards.length);
  for (const s of shards) {
    const shift = Math.round((s.startEpochMs - start) / 1000);
    for (const p of s.perSecond) {
      merger.add({ ...p, t: p.t + shift }, p.latency_us, null, s.byOperationUs?.[p.t] ?? {});
    }
  }
  return buildOutcome(
    shards.map((s) => s.load),
    merger.finish(),
    mergePhases(shards.map((s) => s.phases)),
  );
}

/**
 * One RunResult of a sharded run, as if one process had run it: the shards' histograms added
 * (so percentiles are those of all samples), per-second series summed by wall-clock second
 * (each shard's seconds shifted by how much later it began, whole seconds), counts, errors and
 * drops summed, the generator judged on the merged schedule lag and the worst shard's event
 * loop, recall and integrity from the finish (pooled over all shards), resources kept per
 * shard (the run's own are shard 0's), and the scenario's criteria judged on the result.
 */
export async function mergeShards(
  shards: ShardFile[],
  finish: FinishFile | null,
): Promise<RunResult> {
  await initHistograms();
  const sorted = [...shards].sort((a, b) => a.shard.index - b.shard.index);
  const first = sorted[0];
  const start = Math.min(...sorted.map((s) => s.load_start_epoch_ms));
  const outcome = mergeLoads(sorted.map((s) => ({
    load: s.load,
    perSecond: s.run.series.per_second,
    byOperationUs: s.by_operation_us,
    startEpochMs: s.load_start_epoch_ms,
    phases: s.run.phase_windows,
  })));
  const perSecond = outcome.perSecond;
  const problems = sorted.flatMap((s) => s.problems);
  const spread = Math.max(...sorted.map((s) => s.load_start_epoch_ms)) - start;
  if (spread > START_SPREAD_WARN_MS) {
    problems.push(`shards began ${Math.round(spread)} ms apart (give them one --start-at)`);
  }
  const result: RunResult = {
    ...first.run,
    start_time: outcome.startTime,
    end_time: outcome.endTime,
    duration_seconds: outcome.durationSeconds,
    ...outcome.totals,
    operations: withMergedTiers(outcome.operations),
    tenants: outcome.tenants,
    phases: outcome.phases,
    phase_windows: outcome.phaseWindows,
    recall: finish?.recall ?? null,
    integrity: finish?.integrity ?? null,
    checks: Object.assign({}, ...sorted.map((s) => s.checks), finish?.checks),
    generator: outcome.generator,
    series: { ...first.run.series, per_second: perSecond },
    shards: sorted.map(shardSummary),
  };
  if (finish === null) problems.push("no finish result: recall and integrity not judged");
  else problems.push(...finish.problems);
  const criteria = first.criteria.map(parseCriterion);
  return judgeRun(result, criteria, outcome, problems, "a shard was stopped by Ctrl-C");
}
