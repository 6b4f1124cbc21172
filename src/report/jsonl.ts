import type { RunResult } from "../result/run_result.ts";

/**
 * JSON Lines export: one object per scenario and second, merging the per-second traffic series,
 * the resource samples, recall samples and the target's gauges taken at that second. `time` is the
 * ISO timestamp (start_time + t), for Grafana-style tools that ingest JSON.
 */
export function renderJsonLines(runs: RunResult[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    const t0 = Date.parse(run.start_time);
    const rows = new Map<number, Record<string, unknown>>();
    const row = (t: number) => {
      let r = rows.get(t);
      if (!r) {
        rows.set(
          t,
          r = { scenario: run.scenario_id, time: new Date(t0 + t * 1000).toISOString(), t },
        );
      }
      return r;
    };
    for (const p of run.series.per_second) {
      const { t, latency_us: _histogram, ...rest } = p;
      Object.assign(row(t), rest);
    }
    for (const r of run.series.resources) {
      const { t, ...rest } = r;
      Object.assign(row(t), rest);
    }
    for (const r of run.recall?.series ?? []) Object.assign(row(r.t), { recall: r.recall });
    for (const [name, points] of Object.entries(run.series.target_metrics)) {
      for (const p of points) row(p.t)[name] = p.value;
    }
    for (const t of [...rows.keys()].sort((a, b) => a - b)) lines.push(JSON.stringify(rows.get(t)));
  }
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}
