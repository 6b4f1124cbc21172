import type { RepeatSummary, RunResult } from "../result/run_result.ts";

/** The summary of one run that RunResult.repeats keeps. */
export function repeatSummary(r: RunResult): RepeatSummary {
  return {
    status: r.status,
    duration_seconds: r.duration_seconds,
    operations: r.operations.map((o) => ({
      operation: o.operation,
      requests: o.requests,
      successful: o.successful,
      failed: o.failed,
      dropped: o.dropped,
      latency_ms: o.latency_ms,
    })),
    memory_growth_per_min: r.memory_mb?.growth_per_min ?? null,
  };
}

/**
 * Runs `once` `times` times (stopping early when `stop` says so, e.g. after Ctrl-C) and returns
 * the first run in full with every run's summary in `repeats`. A single run is returned as is.
 * The status is the first run's, unless a later one did not run (invalid, interrupted): then
 * that one's, so a repeat that could not be measured is not hidden behind the first.
 */
export async function runRepeated(
  times: number,
  once: () => Promise<RunResult>,
  stop: () => boolean = () => false,
): Promise<RunResult> {
  const runs: RunResult[] = [await once()];
  while (runs.length < times && !stop()) runs.push(await once());
  if (times < 2) return runs[0];
  const first = runs[0];
  const broken = runs.find((r) => r.status !== "passed" && r.status !== "failed");
  return {
    ...first,
    ...(broken && { status: broken.status, status_reason: broken.status_reason }),
    repeats: runs.map(repeatSummary),
  };
}
