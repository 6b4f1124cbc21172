/** The per-step figures of a sweep (RunResult.steps), shared by its tables and charts. */
import type { RunResult } from "../result/run_result.ts";
import { formatCount, formatMs, formatNumber } from "./number_format.ts";
import { statusLabel } from "./status_label.ts";

export interface SweepRow {
  step: string;
  status: RunResult["status"];
  /** Vectors in the step's dataset. */
  size: number;
  /** Seconds to generate the dataset with its ground truth, or read it from the cache. */
  datasetS: number | null;
  loadS: number | null;
  vectorsPerS: number | null;
  indexS: number | null;
  /** Search latency from the intended send time, ms (null: no search completed). */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  achievedQps: number | null;
  recall: number | null;
  maxQps: number | null;
  /** What ended the probe (RateProbeResult.limited_by), null without one. */
  probeLimit: string | null;
  rssMb: number | null;
  /** The target's whole RSS at rest over the vectors it holds. */
  rssBytesPerVector: number | null;
  /** The target's RSS growth over the bulk load per vector. */
  loadBytesPerVector: number | null;
  passed: number;
  criteria: number;
}

const MB = 1024 * 1024;

/** One row per step, in the sweep's order. */
export function sweepRows(run: RunResult): SweepRow[] {
  return (run.steps ?? []).map((s) => {
    const search = s.operations.find((o) => o.operation === "search");
    const lat = search && search.latency_ms.count > 0 ? search.latency_ms : null;
    const rss = s.setup?.rss_at_rest_mb ?? null;
    const size = s.setup?.vectors ?? s.dataset.size;
    const results = s.success_criteria.results;
    return {
      step: s.step ?? s.scenario_id,
      status: s.status,
      size,
      datasetS: s.setup?.dataset_s ?? null,
      loadS: s.setup?.load_s ?? null,
      vectorsPerS: s.setup?.vectors_per_s ?? null,
      indexS: s.setup?.index_s ?? null,
      p50: lat?.p50 ?? null,
      p95: lat?.p95 ?? null,
      p99: lat?.p99 ?? null,
      achievedQps: s.total_requests > 0 ? s.throughput.average_qps : null,
      recall: s.recall?.overall ?? null,
      maxQps: s.probe?.max_sustained_qps ?? null,
      probeLimit: s.probe
        ? s.probe.limited_by ?? (/generator/.test(s.probe.stopped_by) ? "generator" : "target")
        : null,
      rssMb: rss,
      rssBytesPerVector: rss === null || size === 0 ? null : (rss * MB) / size,
      loadBytesPerVector: s.memory_mb?.bytes_per_vector_source === "bulk_load"
        ? s.memory_mb.bytes_per_vector ?? null
        : null,
      passed: results.filter((c) => c.passed).length,
      criteria: results.length,
    };
  });
}

/** Headers of {@link sweepCells}. */
export const SWEEP_HEADERS = [
  "Step",
  "Vectors",
  "Status",
  "Dataset s",
  "Bulk load s",
  "Vectors/s",
  "Index s",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "Recall@k",
  "Max QPS (p95 limit)",
  "RSS at rest MB",
  "Bytes/vector (RSS, load)",
  "Criteria",
];

/** A sweep row as table cells; a step that did not run shows its status and dashes. */
export function sweepCells(r: SweepRow, probeLimitMs: number | null): string[] {
  const n = (x: number | null, digits: number) => (x === null ? "–" : formatNumber(x, digits));
  const count = (x: number | null) => (x === null ? "–" : formatCount(Math.round(x)));
  return [
    r.step,
    formatCount(r.size),
    statusLabel(r.status),
    n(r.datasetS, 1),
    n(r.loadS, 1),
    count(r.vectorsPerS),
    n(r.indexS, 1),
    formatMs(r.p50),
    formatMs(r.p95),
    formatMs(r.p99),
    n(r.recall, 3),
    maxQpsCell(r, probeLimitMs),
    count(r.rssMb),
    `${count(r.rssBytesPerVector)}, ${count(r.loadBytesPerVector)}`,
    `${r.passed}/${r.criteria}`,
  ];
}

/**
 * The probe's sustained rate with its p95 limit; "none held" when the target failed the first
 * stage, "– (generator)" when the generator fell behind first (no figure of the target's).
 */
function maxQpsCell(r: SweepRow, probeLimitMs: number | null): string {
  if (r.maxQps === null) {
    return r.probeLimit === null
      ? "–"
      : r.probeLimit === "target"
      ? "none held"
      : `– (${r.probeLimit})`;
  }
  const limit = probeLimitMs === null ? "" : ` (${probeLimitMs} ms)`;
  return `${formatCount(Math.round(r.maxQps))}${limit}${
    r.probeLimit === "generator" ? ", generator's limit" : ""
  }`;
}

/** The probe's p95 limit of each step (null without a probe). */
export function probeLimits(run: RunResult): (number | null)[] {
  return (run.steps ?? []).map((s) => s.probe?.p95_limit_ms ?? null);
}

/** What the sweep tables say under them: how each column was measured. */
export const SWEEP_NOTE =
  "Each step ran on a fresh target. Dataset: generating it with its exact ground truth, or " +
  "reading it from the cache. Bulk load: first insert sent to last acknowledged; " +
  "Index: from then until the target reported every document and no indexing backlog. " +
  "Latency: searches at the scenario's fixed open-model rate, from the intended send time. " +
  "Max QPS: the highest stage of a stepped open-model rate probe (searches only) whose p95 " +
  'stayed under the limit with < 1 % errors ("generator": the load generator fell behind ' +
  "first, so the rate is not the target's). RSS at rest: the target's steady RSS after the " +
  "bulk load and indexing; bytes/vector: that RSS over the vectors held, and the RSS growth " +
  "over the bulk load per vector. The sections below this table are those of the last step " +
  "that ran.";
