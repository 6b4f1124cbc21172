import { IntegrityLedger } from "../run/integrity.ts";
import { applyTieringPolicy, deploy, emptyDeployment, teardown } from "../run/setup.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { manifestOf, type RunManifest, RunPartError } from "./run_manifest.ts";
import { prepareRunPart } from "./run_part.ts";

/**
 * The setup of a sharded run, done once: the scenario's tiering policy, tenants, collections
 * and bulk load, as a single run would do them. Returns the manifest the shards and the finish
 * read. A failed setup removes what it created.
 */
export async function setupRun(
  scenario: Scenario,
  target: ScenarioTarget,
  options: { datasetDir?: string; onProgress?: (m: string) => void } = {},
): Promise<RunManifest> {
  const part = await prepareRunPart(scenario, target, options);
  const deployment = emptyDeployment();
  const runTag = crypto.randomUUID().slice(0, 8);
  try {
    await applyTieringPolicy(target, scenario, part.features);
    options.onProgress?.("creating collections");
    await deploy(
      target,
      scenario,
      part.dataset,
      part.collections,
      new IntegrityLedger(),
      runTag,
      deployment,
      options.onProgress,
    );
  } catch (err) {
    const problems = await teardown(target, deployment);
    throw new RunPartError(
      [`setup failed: ${(err as Error).message}`, ...problems].join("; "),
      3,
    );
  }
  return manifestOf(part.identity, part.targetInfo, deployment);
}
