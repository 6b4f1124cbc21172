import type { LoadOutcome } from "../load/load_spec.ts";
import type { SamplerResult } from "../metrics/sampler.ts";
import type { RunResult } from "../result/run_result.ts";
import { withMergedTiers } from "./tier_traffic.ts";

/**
 * The RunResult of a load, before verification and criteria: `shell` with the outcome's times,
 * counts, latencies, traffic and generator check, and the target's resources and gauges as
 * sampled during it.
 */
export function loadResult(
  shell: RunResult,
  outcome: LoadOutcome,
  sampled: SamplerResult,
): RunResult {
  return {
    ...shell,
    start_time: outcome.startTime,
    end_time: outcome.endTime,
    duration_seconds: outcome.durationSeconds,
    ...outcome.totals,
    memory_mb: sampled.memoryMb,
    cpu_percent: sampled.cpuPercent,
    operations: withMergedTiers(outcome.operations),
    tenants: outcome.tenants,
    phases: outcome.phases,
    phase_windows: outcome.phaseWindows,
    generator: outcome.generator,
    series: {
      per_second: outcome.perSecond,
      resources: sampled.resources,
      target_metrics: sampled.targetMetrics,
    },
  };
}
