import { collectEnvironment } from "../result/environment.ts";
import { parseCriterion } from "../criteria/parse.ts";
import type { CriterionResult, RunResult } from "../result/run_result.ts";
import { scenarioHash } from "../scenario/hash.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { withStepSelector } from "../scenario/step_criteria.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { resultShell } from "./result_shell.ts";
import { runScenario, type RunScenarioOptions } from "./run_scenario.ts";

export interface SweepOptions extends RunScenarioOptions {
  /** Opens a fresh target for one step. */
  openTarget: (scenario: Scenario) => Promise<ScenarioTarget>;
}

const RAN = new Set(["passed", "failed"]);

/**
 * Runs a sweep's steps in order, each against a target opened for it alone (a fresh embedded
 * server, or the URL's), and returns one RunResult holding every step's (`steps`). A step that
 * could not run or be judged (target unreachable, setup failed, skipped, generator saturated)
 * has each of its criteria failed with the reason: a sweep passes only when every step passed.
 */
export async function runSweep(scenario: Scenario, options: SweepOptions): Promise<RunResult> {
  const steps: RunResult[] = [];
  for (const step of scenario.steps) {
    if (options.signal?.aborted) break;
    options.onProgress?.(`step ${step.name}`);
    const result = await runOnOwnTarget(step.scenario, options);
    steps.push(labelStep(result, scenario.id, step.name, step.scenario.criteria));
  }
  const [env, hash] = await Promise.all([collectEnvironment(), scenarioHash(scenario)]);
  const shell = resultShell(
    scenario,
    hash,
    env,
    steps[0]?.target ?? {
      name: "unknown",
      version: "unknown",
      url: null,
    },
    "interrupted",
  );
  return sweepResult(scenario, shell, steps, options.signal?.aborted === true);
}

/**
 * One run of `scenario` on a target opened for it and closed after; a target that fails to open
 * or a run that throws gives an invalid result saying why (a suite's scenario, a sweep's step).
 */
export async function runOnOwnTarget(
  scenario: Scenario,
  options: SweepOptions,
): Promise<RunResult> {
  let target: ScenarioTarget | null = null;
  try {
    target = await options.openTarget(scenario);
    return await runScenario(scenario, target, options);
  } catch (err) {
    const [env, hash] = await Promise.all([collectEnvironment(), scenarioHash(scenario)]);
    const info = { name: target?.name ?? "unknown", version: "unknown", url: target?.url ?? null };
    return resultShell(scenario, hash, env, info, "invalid", (err as Error).message);
  } finally {
    await target?.close();
  }
}

/**
 * A step's result as the sweep keeps it: its id `sweep/step` (so `compare` pairs steps), its
 * criteria named with their step, and, when it did not run, each criterion failed with why.
 */
export function labelStep(
  result: RunResult,
  sweepId: string,
  step: string,
  criteria: string[],
): RunResult {
  const ran = RAN.has(result.status);
  const why = `step ${result.status}, not judged: ${result.status_reason ?? "no reason given"}`;
  const judged = result.success_criteria.results;
  const results: CriterionResult[] = ran ? judged : criteria.map((expression) => {
    const c = parseCriterion(expression);
    const r = judged.find((x) => x.expression === expression);
    return {
      expression,
      metric: c.metric,
      comparator: c.comparator,
      threshold: c.threshold,
      unit: c.unit,
      observed: r?.observed ?? null,
      passed: false,
      reason: why,
    };
  });
  return {
    ...result,
    scenario_id: `${sweepId}/${step}`,
    step,
    success_criteria: {
      passed: ran && result.success_criteria.passed,
      failures: results.filter((r) => !r.passed).map((r) => `${r.expression}: ${r.reason}`),
      results,
    },
  };
}

/**
 * The sweep's RunResult: the last step that ran for the traffic fields (else `shell`, the
 * sweep's own identity without traffic), every step's criteria.
 */
export function sweepResult(
  scenario: Scenario,
  shell: RunResult,
  steps: RunResult[],
  interrupted: boolean,
): RunResult {
  const base = steps.findLast((s) => RAN.has(s.status)) ?? shell;
  const results = steps.flatMap((s) =>
    s.success_criteria.results.map((r) => ({
      ...r,
      expression: withStepSelector(r.expression, s.step!),
    }))
  );
  const notRun = steps.filter((s) => !RAN.has(s.status));
  const failures = results.filter((r) => !r.passed).map((r) => `${r.expression}: ${r.reason}`);
  const missing = scenario.steps.length - steps.length;
  const status = interrupted || missing > 0
    ? "interrupted"
    : failures.length === 0
    ? "passed"
    : "failed";
  const reasons = [
    ...notRun.map((s) => `step ${s.step} ${s.status}: ${s.status_reason ?? "no reason given"}`),
    ...(missing > 0 ? [`${missing} step(s) not started`] : []),
  ];
  return {
    ...base,
    scenario_hash: shell.scenario_hash,
    scenario_id: scenario.id,
    scenario: scenario.name,
    description: scenario.description,
    profile: scenario.profile,
    seed: scenario.seed,
    status,
    ...(reasons.length > 0 ? { status_reason: reasons.join("; ") } : { status_reason: undefined }),
    start_time: steps[0]?.start_time ?? shell.start_time,
    end_time: steps.at(-1)?.end_time ?? shell.end_time,
    success_criteria: { passed: failures.length === 0 && !interrupted, failures, results },
    step: undefined,
    steps,
  };
}
