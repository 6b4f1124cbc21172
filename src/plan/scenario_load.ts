import type { Dataset } from "../dataset/dataset.ts";
import type { LoadSpec } from "../load/load_spec.ts";
import { type PortableLoadSpec, toLoadSpec } from "../load/sharded_load.ts";
import { type PlanCollection, RequestPlan } from "./request_plan.ts";
import type { TierStart } from "./request_plan_tiers.ts";
import type { Scenario } from "../scenario/scenario.ts";

/**
 * A scenario's load as data (profiles as ProfileSpec, for workers): one stream, or one per
 * tenant (tenant i's profile seeded with seed + i), with the scenario's arrivals, overflow
 * policy and timeout.
 */
export function portableLoadSpec(scenario: Scenario): PortableLoadSpec {
  return {
    durationS: scenario.durationS,
    arrivals: scenario.arrivals,
    overflow: scenario.overflow,
    timeoutMs: scenario.timeoutMs,
    seed: scenario.seed,
    streams: scenario.tenants.length === 0
      ? [{ tenant: "", profile: scenario.load!, maxInFlight: scenario.concurrency }]
      : scenario.tenants.map((t, i) => ({
        tenant: t.name,
        profile: t.load,
        maxInFlight: t.concurrency,
        seed: scenario.seed + i,
      })),
  };
}

/** The engine's LoadSpec of a scenario: its portable spec with the rate profiles built. */
export function scenarioLoadSpec(scenario: Scenario): LoadSpec {
  return toLoadSpec(portableLoadSpec(scenario));
}

/** The scenario's seeded request plan over its collections of `dataset`. */
export function scenarioPlan(
  scenario: Scenario,
  collections: PlanCollection[],
  dataset: Dataset,
  labelTiers: boolean,
  initialTiers?: TierStart[],
): RequestPlan {
  return new RequestPlan(
    scenario,
    collections,
    { dim: dataset.dim, train: dataset.train, test: dataset.test, queries: dataset.queries },
    undefined,
    labelTiers,
    initialTiers,
  );
}
