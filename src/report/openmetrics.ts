import type { RunResult } from "../result/run_result.ts";

/**
 * OpenMetrics text export of the per-second series of runs, timestamped at start_time + t, for
 * Prometheus backfill (`promtool tsdb create-blocks-from openmetrics`) and Grafana. Every series
 * carries a `scenario` label. Families: see EXPORTED_FAMILIES; the target's own /metrics gauges
 * are exported under their own (sanitised) names.
 */
export const EXPORTED_FAMILIES = {
  akibench_run_info: "gauge",
  akibench_offered_requests_per_second: "gauge",
  akibench_achieved_requests_per_second: "gauge",
  akibench_requests: "counter",
  akibench_errors: "counter",
  akibench_dropped_requests: "counter",
  akibench_latency_p50_seconds: "gauge",
  akibench_latency_p95_seconds: "gauge",
  akibench_latency_p99_seconds: "gauge",
  akibench_target_resident_memory_bytes: "gauge",
  akibench_target_cpu_percent: "gauge",
  akibench_generator_resident_memory_bytes: "gauge",
  akibench_generator_cpu_percent: "gauge",
  akibench_event_loop_lag_seconds: "gauge",
  akibench_recall: "gauge",
} as const;

type Sample = { labels: Record<string, string>; ts: number; value: number };

const MB = 1024 * 1024;

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) =>
    `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
  );
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function num(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  return String(Math.round(v * 1e9) / 1e9);
}

/** A metric name made valid for OpenMetrics. */
export function metricName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_:]/g, "_");
  return /^[a-zA-Z_:]/.test(s) ? s : `_${s}`;
}

/** Splits a target series key as the sampler writes it (`name{k="v",…}`) into name and labels. */
export function parseSeriesKey(key: string): { name: string; labels: Record<string, string> } {
  const brace = key.indexOf("{");
  if (brace < 0 || !key.endsWith("}")) return { name: metricName(key), labels: {} };
  const labels: Record<string, string> = {};
  for (
    const m of key.slice(brace + 1, -1).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)=("(?:[^"\\]|\\.)*")/g)
  ) {
    labels[m[1]] = JSON.parse(m[2]);
  }
  return { name: metricName(key.slice(0, brace)), labels };
}

function collect(runs: RunResult[]): Map<string, { type: string; samples: Sample[] }> {
  const families = new Map<string, { type: string; samples: Sample[] }>();
  const add = (family: string, s: Sample) => {
    let f = families.get(family);
    const type = EXPORTED_FAMILIES[family as keyof typeof EXPORTED_FAMILIES] ?? "gauge";
    if (!f) families.set(family, f = { type, samples: [] });
    f.samples.push(s);
  };
  for (const run of runs) {
    const t0 = Date.parse(run.start_time) / 1000;
    const scenario = run.scenario_id;
    const at = (t: number) => t0 + t;
    add("akibench_run_info", {
      labels: {
        scenario,
        profile: run.profile,
        status: run.status,
        target: run.target.name,
        akibench_version: run.environment.akibench_version,
        seed: String(run.seed),
      },
      ts: t0,
      value: 1,
    });
    let requests = 0;
    let dropped = 0;
    const errors: Record<string, number> = {};
    const classes = [...new Set(run.series.per_second.flatMap((p) => Object.keys(p.errors)))]
      .sort();
    for (const p of run.series.per_second) {
      const ts = at(p.t);
      const l = { scenario };
      requests += p.achieved + p.dropped;
      dropped += p.dropped;
      add("akibench_offered_requests_per_second", { labels: l, ts, value: p.offered });
      add("akibench_achieved_requests_per_second", { labels: l, ts, value: p.achieved });
      add("akibench_requests", { labels: l, ts, value: requests });
      add("akibench_dropped_requests", { labels: l, ts, value: dropped });
      for (const c of classes) {
        errors[c] = (errors[c] ?? 0) + (p.errors[c] ?? 0);
        add("akibench_errors", { labels: { scenario, class: c }, ts, value: errors[c] });
      }
      for (const q of ["p50", "p95", "p99"] as const) {
        const v = p[q];
        if (v !== null) {
          add(`akibench_latency_${q}_seconds`, { labels: l, ts, value: v / 1000 });
        }
      }
    }
    for (const r of run.series.resources) {
      const ts = at(r.t);
      const l = { scenario };
      if (r.target_rss_mb !== null) {
        add("akibench_target_resident_memory_bytes", {
          labels: l,
          ts,
          value: Math.round(r.target_rss_mb * MB),
        });
      }
      if (r.target_cpu_percent !== null) {
        add("akibench_target_cpu_percent", { labels: l, ts, value: r.target_cpu_percent });
      }
      add("akibench_generator_resident_memory_bytes", {
        labels: l,
        ts,
        value: Math.round(r.generator_rss_mb * MB),
      });
      if (r.generator_cpu_percent !== null) {
        add("akibench_generator_cpu_percent", { labels: l, ts, value: r.generator_cpu_percent });
      }
      add("akibench_event_loop_lag_seconds", {
        labels: l,
        ts,
        value: r.event_loop_lag_ms / 1000,
      });
    }
    for (const r of run.recall?.series ?? []) {
      add("akibench_recall", {
        labels: { scenario, k: String(run.recall!.k) },
        ts: at(r.t),
        value: r.recall,
      });
    }
    for (const [key, points] of Object.entries(run.series.target_metrics).sort()) {
      const series = parseSeriesKey(key);
      const labels = { scenario, ...series.labels };
      for (const p of points) add(series.name, { labels, ts: at(p.t), value: p.value });
    }
  }
  return families;
}

/** The OpenMetrics text of the runs' series, ending in "# EOF". */
export function renderOpenMetrics(runs: RunResult[]): string {
  const out: string[] = [];
  for (const [family, { type, samples }] of collect(runs)) {
    out.push(`# TYPE ${family} ${type}`);
    const suffix = type === "counter" ? "_total" : "";
    // Samples of one label set stay together and in time order (they are added that way).
    const byLabels = new Map<string, Sample[]>();
    for (const s of samples) {
      const key = labelText(s.labels);
      const list = byLabels.get(key);
      if (list) list.push(s);
      else byLabels.set(key, [s]);
    }
    for (const [labels, list] of byLabels) {
      for (const s of list) out.push(`${family}${suffix}${labels} ${num(s.value)} ${num(s.ts)}`);
    }
  }
  out.push("# EOF", "");
  return out.join("\n");
}
