import { RecallSeries } from "../run/recall_series.ts";
import { RecallTruth } from "../run/recall_truth.ts";
import { teardown } from "../run/setup.ts";
import { verifyTarget } from "../run/verify_target.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { pooledLedger, scorePooledRecall } from "../run/pooled_truth.ts";
import { deploymentOf, type RunManifest } from "./run_manifest.ts";
import { prepareRunPart } from "./run_part.ts";
import type { FinishFile, ShardFile } from "./shard_file.ts";

/**
 * The finish of a sharded run, done once after every shard: recall of every shard's measured
 * searches against all shards' writes, the integrity read-back of all acknowledged writes, the
 * crash and tenancy checks, and teardown (unless `keep`). `shards` are checked to be the
 * complete set of this run's shards (see checkShardSet) before this is called.
 */
export async function finishRun(
  scenario: Scenario,
  target: ScenarioTarget,
  manifest: RunManifest,
  shards: ShardFile[],
  options: { keep?: boolean; datasetDir?: string; onProgress?: (m: string) => void } = {},
): Promise<FinishFile> {
  const progress = options.onProgress ?? (() => {});
  const part = await prepareRunPart(scenario, target, { ...options, manifest });
  const { dataset, collections, features } = part;
  const deployment = deploymentOf(manifest);
  const journals = shards.map((s) => s.journal);
  const interrupted = shards.some((s) => s.load.interrupted);
  let recall: FinishFile["recall"] = null;
  if (scenario.recall) {
    progress("scoring the recall of every shard's measured searches");
    const k = scenario.recall.k;
    const truth = await RecallTruth.prepare(dataset, collections, scenario.seed, k);
    const series = new RecallSeries(k);
    const start = Math.min(...shards.map((s) => s.load_start_epoch_ms));
    scorePooledRecall(journals, collections.length, start, { truth, series, k });
    recall = series.result();
  }
  const run = { scenario, target, features, dataset, collections, deployment, progress };
  const written = () => pooledLedger(journals, collections, dataset, scenario.seed);
  const { alive, checks, integrity, problems } = await verifyTarget(run, written, interrupted);
  if (!alive) problems.push("the target stopped answering its health check");
  if (!options.keep) {
    progress("tearing down");
    problems.push(...await teardown(target, deployment));
  }
  return {
    kind: "akibench-finish",
    ...part.identity,
    shards: shards[0]?.shard.count ?? 0,
    recall,
    integrity,
    checks,
    problems,
  };
}
