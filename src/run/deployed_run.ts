import type { Dataset } from "../dataset/dataset.ts";
import type { PlanCollection } from "../plan/request_plan.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { Features, ScenarioTarget } from "../targets/scenario_target.ts";
import type { Deployment } from "./setup.ts";

/** A scenario set up on its target: what the steps after setup (load, verification) work on. */
export interface DeployedRun {
  scenario: Scenario;
  target: ScenarioTarget;
  features: Features;
  dataset: Dataset;
  collections: PlanCollection[];
  deployment: Deployment;
  /** Progress text, for a TTY line. */
  progress: (message: string) => void;
}
