import type { Dataset } from "../dataset/dataset.ts";
import type { LoadSpec, Stream } from "../load/load_spec.ts";
import { makeRateProfile } from "../load/rate_profile.ts";
import { type PlanCollection, RequestPlan } from "./request_plan.ts";
import type { TierStart } from "./request_plan_tiers.ts";
import type { Scenario } from "../scenario/scenario.ts";

/**
 * The engine's LoadSpec of a scenario: one stream, or one per tenant (each with its own
 * profile seed), with the scenario's arrivals, overflow policy and timeout.
 */
export function scenarioLoadSpec(scenario: Scenario): LoadSpec {
  const streams: Stream[] = scenario.tenants.length === 0
    ? [{
      tenant: "",
      profile: makeRateProfile(scenario.load!, scenario.durationS, scenario.seed),
      maxInFlight: scenario.concurrency,
    }]
    : scenario.tenants.map((t, i) => ({
      tenant: t.name,
      profile: makeRateProfile(t.load, scenario.durationS, scenario.seed + i),
      maxInFlight: t.concurrency,
    }));
  return {
    durationS: scenario.durationS,
    arrivals: scenario.arrivals,
    overflow: scenario.overflow,
    timeoutMs: scenario.timeoutMs,
    seed: scenario.seed,
    streams,
  };
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
