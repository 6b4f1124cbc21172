import type { StreamTotals } from "../load/engine.ts";
import type { RunResult, SecondPoint } from "../result/run_result.ts";

/**
 * What a run does with each second of its load: a progress line (second, rate, p95, errors)
 * and, for a live report, the run so far as a partial RunResult on the base of `shell`.
 */
export function secondUpdates(
  shell: RunResult,
  durationS: number,
  progress: (message: string) => void,
  onUpdate?: (partial: RunResult) => void,
): (p: SecondPoint, totals: StreamTotals[]) => void {
  const seconds: SecondPoint[] = [];
  const total = Math.ceil(durationS);
  return (p, totals) => {
    seconds.push(p);
    const failed = totals.reduce((n, s) => n + s.failed, 0);
    progress(
      `load ${p.t + 1}/${total} s, ${p.achieved} req/s, p95 ${
        p.p95 === null ? "–" : p.p95.toFixed(1)
      } ms, ${failed} errors`,
    );
    if (!onUpdate) return;
    const sum = (f: (q: SecondPoint) => number) => seconds.reduce((n, q) => n + f(q), 0);
    const errors = sum((q) => Object.values(q.errors).reduce((a, b) => a + b, 0));
    onUpdate({
      ...shell,
      total_requests: sum((q) => q.offered),
      successful_requests: sum((q) => q.successful),
      failed_requests: errors,
      dropped_requests: sum((q) => q.dropped),
      // RunStatus has no "running": a partial result reads as interrupted until it is final.
      status: "interrupted",
      status_reason: `in progress (${p.t + 1}/${total} s)`,
      duration_seconds: p.t + 1,
      series: { ...shell.series, per_second: [...seconds] },
    });
  };
}
