import type { Criterion } from "../criteria/criterion.ts";
import type { LatencyLimit } from "../metrics/live_run.ts";

/**
 * The upper limits a scenario's percentile criteria set (`p95{phase=hold} < 100ms` → quantile
 * 0.95, phase hold, 0.1 s), for the live exporter's akibench_latency_limit_seconds, which the
 * P95 alert compares against. Tier-selected criteria have no live series to match; left out.
 */
export function latencyLimits(criteria: Criterion[]): LatencyLimit[] {
  return criteria.flatMap((c) => {
    const q = /^p(\d+)$/.exec(c.stat);
    if (c.kind !== "latency" || !q || !c.traffic || c.traffic.tier !== undefined) return [];
    if (c.comparator !== "<" && c.comparator !== "<=") return [];
    return [{
      quantile: Number(`0.${q[1]}`),
      operation: c.traffic.operation,
      tenant: c.traffic.tenant ?? "",
      phase: c.traffic.phase ?? "",
      seconds: c.threshold / 1000,
    }];
  });
}
