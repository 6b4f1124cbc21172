import type { FaultStep } from "../scenario/scenario.ts";

type Series = Record<string, { t: number; value: number }[]>;

/** When the fault schedule's last fault ends, in seconds since the load began. */
export function faultsEndS(steps: FaultStep[]): number {
  return Math.max(...steps.map((s) => s.atS + s.durationS));
}

/**
 * Time to recover (ms): from the end of the last fault to the first sample of the target's
 * /metrics from which on the circuit breaker stays closed (akidb_circuit_breaker_state 0) and the
 * dead-letter queue empty (akidb_dlq_size 0) to the end of the run. Null when the run ends
 * unrecovered or either gauge was never sampled. Samples come once a second, so the time is an
 * upper bound within one sampling interval.
 */
export function recoveryTimeMs(series: Series, endS: number): number | null {
  const breaker = series["akidb_circuit_breaker_state"] ?? [];
  const dlq = new Map((series["akidb_dlq_size"] ?? []).map((p) => [p.t, p.value]));
  if (breaker.length === 0 || dlq.size === 0) return null;
  let since: number | null = null;
  for (const p of breaker) {
    const recovered = p.value === 0 && dlq.get(p.t) === 0;
    if (!recovered) since = null;
    else if (since === null && p.t >= endS) since = p.t;
  }
  return since === null ? null : Math.round((since - endS) * 1000);
}
