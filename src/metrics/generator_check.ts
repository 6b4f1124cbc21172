import type { LatencySummary } from "../result/run_result.ts";

/**
 * Schedule-lag p99 above this means the generator, not the server, decided when requests went
 * out: 10 ms is several times the ~1–3 ms overshoot of Deno's timers on an idle machine, and
 * small next to the latencies the scenarios judge (tens of ms and up).
 */
export const SCHEDULE_LAG_P99_LIMIT_MS = 10;

/** A send this late (ms) is a clear miss: far beyond timer jitter or a GC pause. */
export const LATE_SEND_MS = 50;

/** More than 1 % of sends late by LATE_SEND_MS is a saturated generator even if p99 is fine. */
export const LATE_SHARE_LIMIT = 0.01;

/**
 * Event-loop lag p99 above this (ms) means the generator's process could not keep its loop
 * running: idle lag is ~1–3 ms (timer granularity); a GC pause is a few ms; 50 ms is starvation.
 */
export const EVENT_LOOP_LAG_P99_LIMIT_MS = 50;

/** Whether the generator kept its schedule, and why not when it did not. */
export function judgeGenerator(
  scheduleLag: LatencySummary,
  lateShare: number,
  eventLoopLagP99Ms: number,
): { valid: boolean; reason?: string } {
  const reasons: string[] = [];
  if (scheduleLag.p99 > SCHEDULE_LAG_P99_LIMIT_MS) {
    reasons.push(
      `schedule lag p99 ${scheduleLag.p99} ms > ${SCHEDULE_LAG_P99_LIMIT_MS} ms`,
    );
  }
  if (lateShare > LATE_SHARE_LIMIT) {
    reasons.push(
      `${(lateShare * 100).toFixed(2)} % of sends were > ${LATE_SEND_MS} ms late ` +
        `(limit ${LATE_SHARE_LIMIT * 100} %)`,
    );
  }
  if (eventLoopLagP99Ms > EVENT_LOOP_LAG_P99_LIMIT_MS) {
    reasons.push(
      `event-loop lag p99 ${eventLoopLagP99Ms.toFixed(1)} ms > ${EVENT_LOOP_LAG_P99_LIMIT_MS} ms`,
    );
  }
  if (reasons.length === 0) return { valid: true };
  return { valid: false, reason: `generator saturated: ${reasons.join("; ")}` };
}
