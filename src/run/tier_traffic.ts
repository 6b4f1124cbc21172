import { addEncoded, newHistogram } from "../metrics/histogram.ts";
import { trafficStats } from "../metrics/traffic_recorder.ts";
import type { TrafficStats } from "../result/run_result.ts";

/**
 * The tiered scenario labels searches `search@hot|warm|cold`; this adds the plain `search` row
 * back by merging their HDR histograms losslessly (never averaging percentiles). Call after
 * initHistograms() (runLoad does).
 */
export function withMergedTiers(operations: TrafficStats[]): TrafficStats[] {
  const parts = operations.filter((s) => s.operation.startsWith("search@"));
  if (parts.length === 0 || operations.some((s) => s.operation === "search")) return operations;
  const latency = newHistogram();
  const service = newHistogram();
  const errors: Record<string, number> = {};
  for (const p of parts) {
    if (p.histograms.latency_us) addEncoded(latency, p.histograms.latency_us);
    if (p.histograms.service_time_us) addEncoded(service, p.histograms.service_time_us);
    for (const [k, v] of Object.entries(p.errors_by_class)) errors[k] = (errors[k] ?? 0) + v;
  }
  const sum = (f: (s: TrafficStats) => number) => parts.reduce((n, s) => n + f(s), 0);
  const counts = {
    requests: sum((s) => s.requests),
    successful: sum((s) => s.successful),
    failed: sum((s) => s.failed),
    dropped: sum((s) => s.dropped),
  };
  const merged = trafficStats({ operation: "search" }, counts, errors, latency, service);
  const at = operations.findIndex((s) => s.operation.startsWith("search@"));
  return [...operations.slice(0, at), merged, ...operations.slice(at)];
}
