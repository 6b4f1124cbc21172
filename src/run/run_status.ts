import { evaluateCriteria } from "../criteria/evaluate.ts";
import type { Criterion } from "../criteria/criterion.ts";
import type { RunResult } from "../result/run_result.ts";

/**
 * Judges a finished run (one process's, or shards merged): its criteria, then its status —
 * interrupted (Ctrl-C), invalid (the generator could not keep its schedule), else passed or
 * failed by the criteria — with the problems met on the way as the status reason.
 */
export function judgeRun(
  result: RunResult,
  criteria: Criterion[],
  load: { interrupted: boolean; generator: RunResult["generator"] },
  problems: string[],
  interruptedBy: string,
): RunResult {
  result.success_criteria = evaluateCriteria(criteria, result);
  if (load.interrupted) {
    result.status = "interrupted";
    problems.unshift(interruptedBy);
  } else if (!load.generator.valid) {
    result.status = "invalid";
    problems.unshift(load.generator.reason ?? "load generator saturated");
  } else {
    result.status = result.success_criteria.passed ? "passed" : "failed";
  }
  if (problems.length > 0) result.status_reason = problems.join("; ");
  else delete result.status_reason;
  return result;
}
