import type { FaultStep } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";

/**
 * Applies a scenario's fault schedule to the target on timers relative to now: each step's
 * faults at `atS`, cleared at `atS + durationS` (a clear due at the same moment as the next
 * step runs first). stop() cancels what is pending and clears faults. Failures to reach the
 * fault API are collected, not thrown.
 */
export function startFaultSchedule(
  target: ScenarioTarget,
  steps: FaultStep[],
): { stop(): Promise<string[]> } {
  const problems: string[] = [];
  const events = steps.flatMap((s) => [
    { atS: s.atS, step: s as FaultStep | null },
    { atS: s.atS + s.durationS, step: null },
  ]).sort((a, b) => a.atS - b.atS || (a.step === null ? -1 : 1));
  let chain: Promise<void> = Promise.resolve();
  const apply = (step: FaultStep | null) => {
    chain = chain.then(() =>
      target.setFaults!(
        step && {
          s3LatencyMs: step.s3LatencyMs ?? 0,
          s3ErrorRate: step.s3ErrorRate ?? 0,
          s3ThrottleRate: step.s3ThrottleRate ?? 0,
        },
      )
    ).catch((err) => {
      problems.push(`fault schedule: ${(err as Error).message}`);
    });
  };
  const timers = events.map((e) => setTimeout(() => apply(e.step), e.atS * 1000));
  return {
    async stop() {
      timers.forEach(clearTimeout);
      if (steps.length > 0) apply(null);
      await chain;
      return problems;
    },
  };
}
