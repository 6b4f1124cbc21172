import type { RunResult } from "../result/run_result.ts";

/**
 * Whether a run got as far as sending load. A skipped run, or one stopped before its first
 * request (target unreachable, setup failed), has only a reason: a table of zeros would read as
 * a measurement.
 */
export function sentLoad(run: RunResult): boolean {
  if (run.status === "skipped") return false;
  const stoppedEarly = run.status === "invalid" || run.status === "interrupted";
  return !(stoppedEarly && run.total_requests === 0 && run.series.per_second.length === 0);
}
