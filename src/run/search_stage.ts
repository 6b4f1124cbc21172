import type { Dataset } from "../dataset/dataset.ts";
import type { Clock } from "../load/clock.ts";
import { runLoad } from "../load/engine.ts";
import type { LoadOutcome, ProfileSpec } from "../load/load_spec.ts";
import { makeRateProfile } from "../load/rate_profile.ts";
import type { PlanCollection } from "../plan/request_plan.ts";
import { scenarioLoadSpec, scenarioPlan } from "../plan/scenario_load.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { makeExecutor } from "./executor.ts";
import { IntegrityLedger } from "./integrity.ts";
import type { Deployment } from "./setup.ts";
import { WriteLog } from "./write_log.ts";

export interface SearchStageOptions {
  signal?: AbortSignal;
  /** Time source of the engine (tests drive stages on virtual time). */
  clock?: Clock;
}

/**
 * `scenario` turned into a stage of searches only, `durationS` long, its plan seeded with `seed`:
 * one stream at a constant `qps` (a rate probe's stage), or without `qps` each of the scenario's
 * streams at the constant rate its load starts with (the warm-up before the measured load).
 * Searches are not measured for recall (vectors near the collections' base vectors).
 */
export function searchStage(
  scenario: Scenario,
  stage: { durationS: number; seed: number; qps?: number },
): Scenario {
  const searches: Scenario = {
    ...scenario,
    durationS: stage.durationS,
    mix: { search: 1, insert: 0, update: 0, delete: 0, metadata: 0 },
    recall: null,
    seed: stage.seed,
  };
  if (stage.qps !== undefined) {
    return { ...searches, load: { type: "constant", qps: stage.qps }, tenants: [] };
  }
  const starting = (load: ProfileSpec): ProfileSpec => ({
    type: "constant",
    qps: makeRateProfile(load, scenario.durationS, scenario.seed).rate(0),
  });
  return {
    ...searches,
    load: scenario.load && starting(scenario.load),
    tenants: scenario.tenants.map((t) => ({ ...t, load: starting(t.load) })),
  };
}

/**
 * Runs a stage of `searchStage` against the deployed collections: open-model like the measured
 * load (the scenario's arrivals, in-flight limits, overflow and timeout, latency from the
 * intended send time), with nothing recorded beyond the returned outcome.
 */
export function runSearchStage(
  stage: Scenario,
  target: ScenarioTarget,
  dataset: Dataset,
  collections: PlanCollection[],
  deployment: Deployment,
  options: SearchStageOptions = {},
): Promise<LoadOutcome> {
  const plan = scenarioPlan(stage, collections, dataset, false);
  const executor = makeExecutor({
    target,
    collectionIds: deployment.collectionIds,
    apiKeys: deployment.apiKeys,
    logs: collections.map(() => new WriteLog()),
    ledger: new IntegrityLedger(),
    recall: null,
    elapsedS: () => 0,
  });
  return runLoad(scenarioLoadSpec(stage), plan.next, executor.execute, {
    signal: options.signal,
    clock: options.clock,
  });
}
