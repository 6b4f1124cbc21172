import { suiteStatus } from "../result/suite_status.ts";
import {
  RUN_RESULT_SCHEMA_VERSION,
  type RunResult,
  type RunStatus,
  type SuiteResult,
} from "../result/run_result.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { runRepeated } from "./repeat_runs.ts";
import type { RunScenarioOptions } from "./run_scenario.ts";
import { runOnOwnTarget, runSweep } from "./run_sweep.ts";

export interface SuiteOptions extends RunScenarioOptions {
  /** Opens a target for one scenario (a fresh embedded server each time, or one shared URL). */
  openTarget: (scenario: Scenario) => Promise<ScenarioTarget>;
  /**
   * Called with each finished run (terminal summary, its reports) and the suite so far (its
   * `pending` scenarios not yet run); awaited before the next.
   */
  onRun?: (
    result: RunResult,
    sofar: { suite: SuiteResult; runs: RunResult[] },
  ) => void | Promise<void>;
  /** Runs of each scenario (`--repeat N`), each against a freshly opened target; default 1. */
  repeat?: number;
}

/**
 * Runs scenarios one after another. A target that cannot be opened makes that run invalid;
 * after Ctrl-C the remaining scenarios are not started.
 */
export async function runSuite(
  scenarios: Scenario[],
  profile: string,
  options: SuiteOptions,
): Promise<{ suite: SuiteResult; runs: RunResult[] }> {
  const start = new Date().toISOString();
  const runs: RunResult[] = [];
  for (const scenario of scenarios) {
    if (options.signal?.aborted) break;
    const once = async (): Promise<RunResult> => {
      if (scenario.steps.length > 0) return await runSweep(scenario, options);
      return await runOnOwnTarget(scenario, options);
    };
    const result = await runRepeated(
      options.repeat ?? 1,
      once,
      () => options.signal?.aborted === true,
    );
    runs.push(result);
    const suite = suiteOf(runs, start, profile, false);
    const pending = scenarios.slice(runs.length).map((s) => s.id);
    if (pending.length > 0) suite.pending = pending;
    await options.onRun?.(result, { suite, runs: [...runs] });
  }
  return { suite: suiteOf(runs, start, profile, options.signal?.aborted === true), runs };
}

/** The SuiteResult of finished runs that began at `start` (ISO time); it ends now. */
export function suiteOf(
  runs: RunResult[],
  start: string,
  profile: string,
  interrupted: boolean,
): SuiteResult {
  return {
    schema_version: RUN_RESULT_SCHEMA_VERSION,
    start_time: start,
    end_time: new Date().toISOString(),
    profile,
    status: suiteStatus(runs, interrupted),
    runs: runs.map((r) => ({
      scenario_id: r.scenario_id,
      status: r.status,
      file: `${r.scenario_id}.json`,
    })),
  };
}

/** The CLI's exit code for a suite status: 0 passed/skipped, 1 failed, 3 invalid, 130 interrupted. */
export function exitCodeFor(status: RunStatus): number {
  switch (status) {
    case "passed":
    case "skipped":
      return 0;
    case "failed":
      return 1;
    case "invalid":
      return 3;
    case "interrupted":
      return 130;
  }
}
