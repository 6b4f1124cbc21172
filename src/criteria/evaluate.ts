import {
  type CriterionResult,
  growthBeyondWritesMb,
  type RunResult,
  type TrafficStats,
} from "../result/run_result.ts";
import type { Comparator, Criterion, TrafficSelector } from "./criterion.ts";

const COMPARE: Record<Comparator, (a: number, b: number) => boolean> = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

/**
 * What a run without target RSS/CPU readings needs: the target on this machine, or a Prometheus
 * endpoint with its process metrics.
 */
export const NO_RESOURCE_SOURCE = "no data: the target's RSS/CPU were not readable (it runs " +
  "elsewhere and its /metrics lacks process_resident_memory_bytes/process_cpu_seconds_total); " +
  "name a node_exporter, process-exporter or process_* endpoint with --resource-metrics URL";

/** A faults run whose target was still broken (breaker not closed or DLQ not empty) at its end. */
export const NOT_RECOVERED =
  "not recovered: the circuit breaker was not closed with the DLQ empty at the end of the run";

/**
 * Evaluates one criterion against a run; a metric without data fails with reason "no data"
 * (for memory and CPU, with how to give the run a resource source).
 */
export function evaluateCriterion(c: Criterion, run: RunResult): CriterionResult {
  const observed = observe(c, run);
  const samples = c.kind === "latency" ? traffic(run, c.traffic!)?.latency_ms.count : undefined;
  const base = {
    expression: c.expression,
    metric: c.metric,
    comparator: c.comparator,
    threshold: c.threshold,
    unit: c.unit,
    ...(samples !== undefined && { samples }),
  };
  if (observed === null) {
    const unread = c.kind === "cpu"
      ? run.cpu_percent === null
      : (c.kind === "memory" || c.kind === "memory_rate") && run.memory_mb === null;
    return {
      ...base,
      observed: null,
      passed: false,
      reason: unread
        ? NO_RESOURCE_SOURCE
        : c.stat === "recovery_time" && run.checks !== undefined
        ? NOT_RECOVERED
        : "no data",
    };
  }
  const passed = COMPARE[c.comparator](observed, c.threshold);
  return passed ? { ...base, observed, passed } : {
    ...base,
    observed,
    passed,
    reason: `observed ${valueText(observed, c.unit)}, required ${c.comparator} ${
      valueText(c.threshold, c.unit)
    }`,
  };
}

/** Evaluates every criterion; `failures` lists the failed expressions with their reasons. */
export function evaluateCriteria(
  criteria: Criterion[],
  run: RunResult,
): RunResult["success_criteria"] {
  const results = criteria.map((c) => evaluateCriterion(c, run));
  const failures = results.filter((r) => !r.passed).map((r) => `${r.expression}: ${r.reason}`);
  return { passed: failures.length === 0, failures, results };
}

function observe(c: Criterion, run: RunResult): number | null {
  switch (c.kind) {
    case "latency": {
      const s = traffic(run, c.traffic!);
      if (!s || s.latency_ms.count === 0) return null;
      return s.latency_ms[c.stat as keyof typeof s.latency_ms];
    }
    case "error_rate": {
      const s = traffic(run, c.traffic!);
      if (!s || s.requests === 0) return null;
      // Dropped arrivals count as errors, as in the run's overall error_rate.
      return (s.failed + s.dropped) / s.requests;
    }
    case "dropped":
      if (c.stat === "dropped") return run.dropped_requests;
      return run.total_requests === 0 ? null : run.dropped_requests / run.total_requests;
    case "throughput":
      if (run.total_requests === 0) return null;
      return c.stat === "qps_avg" ? run.throughput.average_qps : run.throughput.peak_qps;
    case "memory_rate":
      return c.stat === "memory_growth"
        ? run.memory_mb?.growth_per_min ?? null
        : run.memory_mb?.growth_beyond_writes_per_min ?? null;
    case "memory": {
      if (c.stat === "memory_at_rest") return run.setup?.rss_at_rest_mb ?? null;
      const m = run.memory_mb;
      if (!m) return null;
      if (c.stat === "memory_peak") return m.peak;
      if (c.stat === "memory_end") return m.end;
      if (c.stat === "memory_growth_total") return m.end - m.start;
      return growthBeyondWritesMb(m);
    }
    case "cpu": {
      const cpu = run.cpu_percent;
      if (!cpu) return null;
      return c.stat === "cpu_avg" ? cpu.average : cpu.peak;
    }
    case "recall":
      // A capped run (the target returns fewer than k matches) is judged at its cap.
      return run.recall && (run.recall.k === c.k || run.recall.capped_from === c.k) &&
          run.recall.samples > 0
        ? run.recall.overall
        : null;
    case "integrity": {
      const i = run.integrity;
      if (!i || i.checked === 0) return null;
      if (c.stat === "data_loss") return i.missing;
      return i[c.stat as "corruption" | "missing" | "corrupted" | "resurrected"];
    }
    case "check":
      return run.checks?.[c.stat] ?? null;
    case "target_gauge": {
      const series = run.series.target_metrics[c.gauge!];
      if (!series || series.length === 0) return null;
      const values = series.map((p) => p.value);
      if (c.stat === "last") return values[values.length - 1];
      if (c.stat === "increase") return values[values.length - 1] - values[0];
      return c.stat === "max" ? Math.max(...values) : Math.min(...values);
    }
  }
}

/** The TrafficStats a selector names; tiers are operations labelled `<op>@<tier>`. */
function traffic(run: RunResult, sel: TrafficSelector): TrafficStats | undefined {
  if (sel.tenant !== undefined) {
    return run.tenants.find((s) => s.tenant === sel.tenant && s.operation === sel.operation);
  }
  if (sel.phase !== undefined) {
    return run.phases.find((s) => s.phase === sel.phase && s.operation === sel.operation);
  }
  const operation = sel.tier === undefined ? sel.operation : `${sel.operation}@${sel.tier}`;
  return run.operations.find((s) => s.operation === operation);
}

function format(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}

/** A value as the criterion was written: a ratio in percent ("error_rate < 0.5%"), else with its unit. */
function valueText(n: number, unit: string): string {
  if (unit === "ratio") return `${format(n * 100)}%`;
  return unit === "" || unit === "count" ? format(n) : `${format(n)} ${unit}`;
}
