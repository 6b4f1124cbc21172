import type { RunResult, SuiteResult } from "../result/run_result.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import type { RunScenarioOptions } from "./run_scenario.ts";
import { runSuite, suiteOf } from "./run_suite.ts";
import type { TargetSpec } from "./target_specs.ts";

/** One target's share of a multi-target run: its runs in scenario order, as a suite. */
export interface TargetRuns {
  spec: TargetSpec;
  suite: SuiteResult;
  runs: RunResult[];
}

export interface TargetsOptions extends RunScenarioOptions {
  /** Opens `spec` for one scenario (a fresh embedded server, or a connection to its URL). */
  openTarget: (spec: TargetSpec, scenario: Scenario) => Promise<ScenarioTarget>;
  /** Called with each finished run; awaited before the next. */
  onRun?: (spec: TargetSpec, result: RunResult) => void | Promise<void>;
  /** Runs of each scenario on each target (`--repeat N`); default 1. */
  repeat?: number;
}

/**
 * Runs each scenario on each target in turn, scenario by scenario, so the targets' runs of one
 * scenario are close in time (the machine's other load is as alike as it can be) and an
 * interrupted run leaves whole comparisons for the scenarios before it. After Ctrl-C nothing
 * more starts.
 */
export async function runTargets(
  scenarios: Scenario[],
  specs: TargetSpec[],
  profile: string,
  options: TargetsOptions,
): Promise<TargetRuns[]> {
  const start = new Date().toISOString();
  const runs = specs.map((): RunResult[] => []);
  for (const scenario of scenarios) {
    for (const [i, spec] of specs.entries()) {
      if (options.signal?.aborted) break;
      const done = await runSuite([scenario], profile, {
        ...options,
        openTarget: (s) => options.openTarget(spec, s),
        onRun: (r) => options.onRun?.(spec, r),
      });
      runs[i].push(...done.runs);
    }
  }
  const interrupted = options.signal?.aborted === true;
  return specs.map((spec, i) => ({
    spec,
    runs: runs[i],
    suite: suiteOf(runs[i], start, profile, interrupted),
  }));
}
