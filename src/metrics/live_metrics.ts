import { LiveRun, type LiveRunInfo, type LiveStatus } from "./live_run.ts";
import { Exposition } from "./prometheus_exposition.ts";

const MB = 1024 * 1024;

/**
 * The live figures of every run of this process, rendered in the Prometheus text format when
 * /metrics is scraped (rendering costs nothing between scrapes). Series carry `scenario` and
 * `target` labels, request series also `operation`, `tenant` and `phase` (left out when empty).
 * A scenario run again on the same target (--repeat) continues its counters.
 */
export class LiveMetrics {
  readonly #runs = new Map<string, LiveRun>();
  #current: LiveRun | null = null;

  /** The observer of a run about to start its load. */
  beginRun(info: LiveRunInfo): LiveRun {
    const key = `${info.scenario}\u0000${info.target}`;
    let run = this.#runs.get(key);
    if (run) run.restart(info);
    else this.#runs.set(key, run = new LiveRun(info));
    this.#current = run;
    return run;
  }

  /** The run whose load is in progress, or the last one; null before the first. */
  status(): LiveStatus | null {
    return this.#current?.status() ?? null;
  }

  render(): string {
    const out = new Exposition();
    const runs = [...this.#runs.values()];
    const base = (r: LiveRun) => ({ scenario: r.info.scenario, target: r.info.target });
    const family = (
      name: string,
      type: "counter" | "gauge" | "histogram",
      help: string,
      write: (r: LiveRun, labels: Record<string, string>) => void,
    ) => {
      out.family(name, type, help);
      for (const r of runs) write(r, base(r));
    };
    const perCell = (
      name: string,
      type: "counter" | "histogram",
      help: string,
      write: (cell: LiveRun["cells"][number], labels: Record<string, string>) => void,
    ) =>
      family(name, type, help, (r, labels) => {
        for (const c of r.cells) {
          write(c, { ...labels, operation: c.operation, tenant: c.tenant, phase: c.phase });
        }
      });

    family(
      "akibench_run_info",
      "gauge",
      "Runs of this process (value 1).",
      (r, l) =>
        out.sample("akibench_run_info", {
          ...l,
          profile: r.info.profile,
          seed: String(r.info.seed),
        }, 1),
    );
    family(
      "akibench_run_elapsed_seconds",
      "gauge",
      "Seconds of load done so far.",
      (r, l) => out.sample("akibench_run_elapsed_seconds", l, r.status().elapsedS),
    );
    family(
      "akibench_run_duration_seconds",
      "gauge",
      "Planned seconds of load.",
      (r, l) => out.sample("akibench_run_duration_seconds", l, r.info.durationS),
    );
    family(
      "akibench_run_running",
      "gauge",
      "1 while the run's load is in progress.",
      (r, l) => out.sample("akibench_run_running", l, r.status().running ? 1 : 0),
    );
    perCell(
      "akibench_offered_requests_total",
      "counter",
      "Arrivals due by the schedule (the offered load), counted at their intended time.",
      (c, l) => out.sample("akibench_offered_requests_total", l, c.offered),
    );
    perCell(
      "akibench_requests_total",
      "counter",
      "Requests finished: succeeded, failed or dropped.",
      (c, l) => out.sample("akibench_requests_total", l, c.requests),
    );
    perCell(
      "akibench_errors_total",
      "counter",
      "Failed requests by error class.",
      (c, l) => {
        for (const [cls, n] of Object.entries(c.errors)) {
          out.sample("akibench_errors_total", { ...l, class: cls }, n);
        }
      },
    );
    perCell(
      "akibench_dropped_requests_total",
      "counter",
      "Arrivals dropped by the overflow policy (never sent).",
      (c, l) => out.sample("akibench_dropped_requests_total", l, c.dropped),
    );
    perCell(
      "akibench_request_duration_seconds",
      "histogram",
      "Latency from the intended send time to completion (failed requests included).",
      (c, l) => out.histogram("akibench_request_duration_seconds", l, c.latency),
    );
    family(
      "akibench_in_flight_requests",
      "gauge",
      "Requests sent and not yet finished.",
      (r, l) => {
        for (const [tenant, n] of r.inFlight) {
          out.sample("akibench_in_flight_requests", {
            ...l,
            tenant,
          }, n);
        }
      },
    );
    family(
      "akibench_schedule_lag_seconds",
      "histogram",
      "How late the generator dispatched each arrival after its intended time.",
      (r, l) => out.histogram("akibench_schedule_lag_seconds", l, r.scheduleLag),
    );
    family(
      "akibench_latency_limit_seconds",
      "gauge",
      "The scenario's latency criteria, e.g. p95 < 25ms as quantile 0.95, 0.025.",
      (r, l) => {
        for (const lim of r.info.latencyLimits) {
          out.sample("akibench_latency_limit_seconds", {
            ...l,
            quantile: String(lim.quantile),
            operation: lim.operation,
            tenant: lim.tenant,
            phase: lim.phase,
          }, lim.seconds);
        }
      },
    );
    family(
      "akibench_recall",
      "gauge",
      "Recall@k of the measured searches (scored after the load).",
      (r, l) => {
        if (r.recall) {
          out.sample(
            "akibench_recall",
            { ...l, k: String(r.recall.k) },
            r.recall.value,
          );
        }
      },
    );
    const resource = (
      name: string,
      help: string,
      value: (p: NonNullable<LiveRun["resources"]>) => number | null,
    ) =>
      family(name, "gauge", help, (r, l) => {
        const v = r.resources ? value(r.resources) : null;
        if (v !== null) out.sample(name, l, v);
      });
    resource(
      "akibench_target_resident_memory_bytes",
      "The target's resident memory (latest sample).",
      (p) => p.target_rss_mb === null ? null : Math.round(p.target_rss_mb * MB),
    );
    resource(
      "akibench_target_cpu_percent",
      "The target's CPU use, per core (200 = two cores busy).",
      (p) => p.target_cpu_percent,
    );
    resource(
      "akibench_generator_resident_memory_bytes",
      "akibench's own resident memory.",
      (p) => Math.round(p.generator_rss_mb * MB),
    );
    resource(
      "akibench_generator_cpu_percent",
      "akibench's own CPU use, per core.",
      (p) => p.generator_cpu_percent,
    );
    resource(
      "akibench_event_loop_lag_seconds",
      "The generator's worst event-loop lag over the last sample interval.",
      (p) => p.event_loop_lag_ms / 1000,
    );
    // The target's own state gauges (tiers, circuit breaker, DLQ) under their own names.
    const targetFamilies = new Set(runs.flatMap((r) => r.targetGauges.map((s) => s.name)));
    for (const name of [...targetFamilies].sort()) {
      family(name, "gauge", "Sampled from the target's /metrics.", (r, l) => {
        for (const s of r.targetGauges) {
          if (s.name === name) out.sample(name, { ...s.labels, ...l }, s.value);
        }
      });
    }
    return out.text();
  }
}
