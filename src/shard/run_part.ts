import type { Dataset } from "../dataset/dataset.ts";
import type { PlanCollection } from "../plan/request_plan.ts";
import { collectEnvironment } from "../result/environment.ts";
import type { RunResult } from "../result/run_result.ts";
import { planCollections } from "../plan/layout.ts";
import { datasetBlock, resultShell } from "../run/result_shell.ts";
import { loadScenarioDataset } from "../run/scenario_data.ts";
import { scenarioHash } from "../scenario/hash.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { Features, ScenarioTarget } from "../targets/scenario_target.ts";
import { identityMismatch, type RunIdentity } from "./run_identity.ts";
import { type RunManifest, RunPartError } from "./run_manifest.ts";

/** What every part of a sharded run starts from: the target's features and the scenario's data. */
export interface RunPart {
  identity: RunIdentity;
  features: Features;
  dataset: Dataset;
  collections: PlanCollection[];
  targetInfo: RunResult["target"];
  /** A RunResult with the run's identity and no traffic yet. */
  shell: () => RunResult;
}

/**
 * Reaches the target (unreachable: exit 3), checks it has what the scenario requires, loads the
 * dataset, and, given the run's manifest, refuses a scenario, seed, dataset or layout that is
 * not the one set up.
 */
export async function prepareRunPart(
  scenario: Scenario,
  target: ScenarioTarget,
  options: { datasetDir?: string; onProgress?: (m: string) => void; manifest?: RunManifest },
): Promise<RunPart> {
  const [env, hash] = await Promise.all([collectEnvironment(), scenarioHash(scenario)]);
  const targetInfo = { name: target.name, version: "unknown", url: target.url ?? null };
  let features: Features;
  try {
    features = await target.features();
    targetInfo.version = await target.version();
  } catch (err) {
    throw new RunPartError(`target unreachable: ${(err as Error).message}`, 3);
  }
  const missing = scenario.requires.filter((c) => !features[c]);
  if (missing.length > 0) {
    throw new RunPartError(`${scenario.id}: target lacks ${missing.join(", ")}`);
  }
  options.onProgress?.("preparing the dataset");
  const dataset = await loadScenarioDataset(scenario, {
    dir: options.datasetDir,
    onProgress: options.onProgress,
  });
  const identity: RunIdentity = {
    scenario_id: scenario.id,
    profile: scenario.profile,
    scenario_hash: hash,
    seed: scenario.seed,
    dataset_hash: dataset.hash,
  };
  const collections = planCollections(scenario);
  const m = options.manifest;
  if (m) {
    const mismatch = identityMismatch("the run manifest", m, "this scenario", identity);
    if (mismatch) throw new RunPartError(mismatch);
    if (m.collection_ids.length !== collections.length) {
      throw new RunPartError(
        `the run manifest lists ${m.collection_ids.length} collections, the scenario has ${collections.length}`,
      );
    }
  }
  const shell = () => ({
    ...resultShell(scenario, hash, env, targetInfo, "invalid"),
    dataset: datasetBlock(dataset),
  });
  return { identity, features, dataset, collections, targetInfo, shell };
}
