import type { ResourcePoint } from "../result/run_result.ts";
import { type LiveCell, LiveRun, type LiveRunInfo, type LiveStatus } from "./live_run.ts";
import { Exposition, joinLabels, labelText } from "./prometheus_exposition.ts";

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
    const bases = runs.map((r) => labelText({ scenario: r.info.scenario, target: r.info.target }));
    const family = (
      name: string,
      type: "counter" | "gauge" | "histogram",
      help: string,
      write: (r: LiveRun, base: string) => void,
    ) => {
      out.family(name, type, help);
      runs.forEach((r, i) => write(r, bases[i]));
    };
    const perCell = (
      name: string,
      type: "counter" | "histogram",
      help: string,
      write: (cell: LiveCell) => void,
    ) =>
      family(name, type, help, (r) => {
        for (const c of r.cells) write(c);
      });

    family("akibench_run_info", "gauge", "Runs of this process (value 1).", (r, base) =>
      out.sample(
        "akibench_run_info",
        joinLabels(base, labelText({ profile: r.info.profile, seed: String(r.info.seed) })),
        1,
      ));
    family(
      "akibench_run_elapsed_seconds",
      "gauge",
      "Seconds of load done so far.",
      (r, base) => out.sample("akibench_run_elapsed_seconds", base, r.status().elapsedS),
    );
    family(
      "akibench_run_duration_seconds",
      "gauge",
      "Planned seconds of load.",
      (r, base) => out.sample("akibench_run_duration_seconds", base, r.info.durationS),
    );
    family(
      "akibench_run_running",
      "gauge",
      "1 while the run's load is in progress.",
      (r, base) => out.sample("akibench_run_running", base, r.status().running ? 1 : 0),
    );
    perCell(
      "akibench_offered_requests_total",
      "counter",
      "Arrivals due by the schedule (the offered load), counted at their intended time.",
      (c) => out.sample("akibench_offered_requests_total", c.labels, c.offered),
    );
    perCell(
      "akibench_requests_total",
      "counter",
      "Requests finished: succeeded, failed or dropped.",
      (c) => out.sample("akibench_requests_total", c.labels, c.requests),
    );
    perCell("akibench_errors_total", "counter", "Failed requests by error class.", (c) => {
      for (const cls in c.errors) {
        out.sample("akibench_errors_total", `${c.labels},class="${cls}"`, c.errors[cls]);
      }
    });
    perCell(
      "akibench_dropped_requests_total",
      "counter",
      "Arrivals dropped by the overflow policy (never sent).",
      (c) => out.sample("akibench_dropped_requests_total", c.labels, c.dropped),
    );
    perCell(
      "akibench_request_duration_seconds",
      "histogram",
      "Latency from the intended send time to completion (failed requests included).",
      (c) => out.histogram("akibench_request_duration_seconds", c.labels, c.latency),
    );
    family(
      "akibench_in_flight_requests",
      "gauge",
      "Requests sent and not yet finished.",
      (r, base) => {
        for (const [tenant, n] of r.inFlight) {
          out.sample("akibench_in_flight_requests", joinLabels(base, labelText({ tenant })), n);
        }
      },
    );
    family(
      "akibench_schedule_lag_seconds",
      "histogram",
      "How late the generator dispatched each arrival after its intended time.",
      (r, base) => out.histogram("akibench_schedule_lag_seconds", base, r.scheduleLag),
    );
    family(
      "akibench_latency_limit_seconds",
      "gauge",
      "The scenario's latency criteria, e.g. p95 < 25ms as quantile 0.95, 0.025.",
      (r, base) => {
        for (const lim of r.info.latencyLimits) {
          const labels = labelText({
            quantile: String(lim.quantile),
            operation: lim.operation,
            tenant: lim.tenant,
            phase: lim.phase,
          });
          out.sample("akibench_latency_limit_seconds", joinLabels(base, labels), lim.seconds);
        }
      },
    );
    family(
      "akibench_recall",
      "gauge",
      "Recall@k of the measured searches scored so far (during the load, then all of them).",
      (r, base) => {
        if (!r.recall) return;
        const labels = joinLabels(base, labelText({ k: String(r.recall.k) }));
        out.sample("akibench_recall", labels, r.recall.value);
      },
    );
    family(
      "akibench_recall_samples",
      "gauge",
      "How many measured searches akibench_recall is the mean of.",
      (r, base) => {
        if (!r.recall) return;
        const labels = joinLabels(base, labelText({ k: String(r.recall.k) }));
        out.sample("akibench_recall_samples", labels, r.recall.samples);
      },
    );
    const resource = (
      name: string,
      help: string,
      value: (p: ResourcePoint) => number | null,
    ) =>
      family(name, "gauge", help, (r, base) => {
        const v = r.resources ? value(r.resources) : null;
        if (v !== null) out.sample(name, base, v);
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
      family(name, "gauge", "Sampled from the target's /metrics.", (r, base) => {
        for (const s of r.targetGauges) {
          if (s.name !== name) continue;
          const own = { ...s.labels };
          delete own.scenario;
          delete own.target;
          out.sample(name, joinLabels(labelText(own), base), s.value);
        }
      });
    }
    return out.text();
  }
}
