import type { DeployedRun } from "./deployed_run.ts";
import { RecallSeries } from "./recall_series.ts";
import { RecallTruth } from "./recall_truth.ts";

/** The exact truth the measured searches are scored against, and their recall series. */
export interface MeasuredRecall {
  truth: RecallTruth;
  series: RecallSeries;
  k: number;
}

/** The ground truth of each collection for the scenario's recall; null when it has none. */
export async function prepareRecall(run: DeployedRun): Promise<MeasuredRecall | null> {
  const { scenario } = run;
  if (!scenario.recall) return null;
  run.progress("computing the ground truth of each collection");
  // A target that returns at most N matches (AkiDB: 128) is judged on recall@N, not recall@k
  // against a truth it cannot return; the result records the k it was capped from.
  const k = Math.min(scenario.recall.k, run.features.max_matches ?? Infinity);
  return {
    truth: await RecallTruth.prepare(run.dataset, run.collections, scenario.seed, k),
    series: new RecallSeries(k),
    k,
  };
}
