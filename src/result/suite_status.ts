import type { RunResult, RunStatus } from "./run_result.ts";

/**
 * A suite's status from its runs: interrupted beats invalid beats failed; all skipped (and at
 * least one run) is skipped; otherwise passed. Skipped runs never fail a suite.
 */
export function suiteStatus(runs: RunResult[], interrupted = false): RunStatus {
  const has = (s: RunStatus) => runs.some((r) => r.status === s);
  if (interrupted || has("interrupted")) return "interrupted";
  if (has("invalid")) return "invalid";
  if (has("failed")) return "failed";
  if (runs.length > 0 && runs.every((r) => r.status === "skipped")) return "skipped";
  return "passed";
}
