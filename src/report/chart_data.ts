import type { RunResult, SecondPoint, TrafficStats } from "../result/run_result.ts";
import { afterWarmup, leastSquaresLine } from "../metrics/least_squares.ts";
import { downsample, maxOf, meanOf } from "./downsample.ts";
import { percentileSpectrum, type SpectrumPoint } from "./percentile_spectrum.ts";
import { type SweepRow, sweepRows } from "./sweep_rows.ts";

/** At most this many points per drawn series; histograms are kept whole. */
export const MAX_CHART_POINTS = 600;

type XY = [number, number | null];

/** Everything the report's charts draw, precomputed from a RunResult (downsampled). */
export interface ChartData {
  bucketSeconds: number;
  /** The run's length in seconds: every time chart spans 0..end, so they line up. */
  end: number;
  phases: { name: string; start: number; end: number }[];
  latency: { p50: XY[]; p95: XY[]; p99: XY[] };
  rate: { offered: XY[]; achieved: XY[]; dropped: XY[] };
  errors: Record<string, XY[]>;
  spectrum: { label: string; points: [number, number][] }[];
  operations: BarRow[];
  tenants: BarRow[];
  /** Per-second transitions between storage tiers, by "from → to". */
  tierRates: Record<string, XY[]>;
  /**
   * Search latency per second by the tier the search was attributed to (searches labelled
   * `search@<tier>`), p50 and p95; hot, warm, cold in that order, tiers without searches left out.
   */
  tierLatency: { tier: string; p50: XY[]; p95: XY[] }[];
  /**
   * Where the target's tier-transition counters rose: at the sample time (seconds), the move
   * ("from → to", in the order of tierRates) and by how many collections (per bucket when the
   * run is downsampled).
   */
  tierMarkers: { t: number; move: string; count: number }[];
  /** `beyondWrites`: target RSS minus the vectors written so far (empty when not counted). */
  memory: { target: XY[]; generator: XY[]; slope: XY[]; beyondWrites: XY[] } | null;
  cpu: { target: XY[]; generator: XY[] } | null;
  recall: XY[];
  tiers: Record<string, XY[]>;
  breaker: XY[];
  /** Other sampled gauges by metric family (one chart each), then by readable series label. */
  otherTargetMetrics: Record<string, Record<string, XY[]>>;
  /** Sampled target metrics not drawn because they stayed 0 the whole run (e.g. no faults). */
  zeroThroughout: string[];
  /** A sweep's per-step figures against the step's dataset size; null for other runs. */
  sweep: SweepChart | null;
}

/** Points [vectors, value] per step (value null where the step did not measure it). */
export interface SweepChart {
  k: number;
  p50: XY[];
  p95: XY[];
  p99: XY[];
  rssMb: XY[];
  rssBytesPerVector: XY[];
  loadBytesPerVector: XY[];
  vectorsPerS: XY[];
  indexS: XY[];
  recall: XY[];
  maxQps: XY[];
}

function sweepChart(run: RunResult): SweepChart | null {
  if (!run.steps) return null;
  const rows = sweepRows(run);
  const at = (f: (r: SweepRow) => number | null): XY[] => rows.map((r) => [r.size, round(f(r))]);
  return {
    k: run.steps.find((s) => s.recall)?.recall?.k ?? 10,
    p50: at((r) => r.p50),
    p95: at((r) => r.p95),
    p99: at((r) => r.p99),
    rssMb: at((r) => r.rssMb),
    rssBytesPerVector: at((r) => r.rssBytesPerVector),
    loadBytesPerVector: at((r) => r.loadBytesPerVector),
    vectorsPerS: at((r) => r.vectorsPerS),
    indexS: at((r) => r.indexS),
    recall: at((r) => r.recall),
    maxQps: at((r) => r.maxQps),
  };
}

/** Percentiles from fewer samples than this are flagged: their tail is a handful of requests. */
export const FEW_SAMPLES = 100;

export interface BarRow {
  label: string;
  p50: number;
  p95: number;
  p99: number;
}

const round = (x: number | null) => x === null ? null : Math.round(x * 1000) / 1000;

/** " (only 11 samples)" after a value or label resting on `count` latencies when few, else "". */
export function fewSamplesNote(count: number): string {
  return count < FEW_SAMPLES ? ` (only ${count} samples)` : "";
}

function fewSamples(s: TrafficStats): string {
  return fewSamplesNote(s.latency_ms.count);
}

function bars(stats: TrafficStats[], label: (s: TrafficStats) => string): BarRow[] {
  return stats.filter((s) => s.latency_ms.count > 0).map((s) => ({
    label: label(s) + fewSamples(s),
    p50: s.latency_ms.p50,
    p95: s.latency_ms.p95,
    p99: s.latency_ms.p99,
  }));
}

/** The memory growth line drawn over the RSS series: the very fit behind the reported growth. */
function fitLine(points: { t: number; y: number }[]): XY[] {
  const kept = afterWarmup(points);
  const line = leastSquaresLine(kept.map((p) => ({ x: p.t, y: p.y })));
  if (line === null) return [];
  const at = (t: number): XY => [t, round(line.intercept + line.slope * t)];
  return [at(kept[0].t), at(kept[kept.length - 1].t)];
}

function series<T extends { t: number }>(
  points: T[],
  pick: (bucket: T[]) => number | null,
): XY[] {
  return downsample(points, MAX_CHART_POINTS, (b) => [b[0].t, round(pick(b))] as XY).points;
}

function spectra(run: RunResult): ChartData["spectrum"] {
  const out: ChartData["spectrum"] = [];
  for (const s of run.operations) {
    if (s.latency_ms.count === 0) continue;
    const points = percentileSpectrum(s.histograms.latency_us);
    out.push({
      label: s.operation + fewSamples(s),
      points: points.map((p: SpectrumPoint) => [round(p.x)!, round(p.ms)!]),
    });
  }
  return out;
}

/** Tier gauges: akidb_tier_hot… or one gauge labelled tier="hot"… (the sampler's series keys). */
const TIER = /tier(?:_|=")(hot|warm|cold)\b/;
const BREAKER = /circuit_breaker_state/;
/** A counter of tier moves, labelled from="hot",to="warm" (drawn as a rate). */
const TIER_MOVES = /tier_transitions_total\{.*from="(\w+)".*to="(\w+)"/;

/** The label values of a series key, `name{a="x",b="y"}` → `x, y` (the family is the title). */
function seriesLabel(key: string): string {
  const values = [...key.matchAll(/="((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  return values.length > 0 ? values.join(", ") : key;
}

/** Seconds a counter's rate is averaged over: moves come in bursts, per sample they read 0, 1, 0. */
const RATE_WINDOW_S = 5;

/** Per-second increase of a counter over the trailing window (a reset restarts the window). */
function ratePoints(points: { t: number; value: number }[]): { t: number; value: number }[] {
  const out: { t: number; value: number }[] = [];
  let from = 0;
  for (let i = 1; i < points.length; i++) {
    if (points[i].value < points[i - 1].value) from = i;
    while (from < i - 1 && points[i].t - points[from + 1].t >= RATE_WINDOW_S) from++;
    const dt = points[i].t - points[from].t;
    if (dt <= 0) continue;
    out.push({ t: points[i].t, value: (points[i].value - points[from].value) / dt });
  }
  return out;
}

/** The tiers searches are labelled with (`search@hot`…), in the order the charts draw them. */
const TIER_ORDER = ["hot", "warm", "cold"];

/** p50/p95 per second of the searches attributed to each tier, downsampled like the rest. */
function tierLatency(ps: SecondPoint[]): ChartData["tierLatency"] {
  const tiers = TIER_ORDER.filter((t) => ps.some((p) => p.by_operation?.[`search@${t}`]));
  return tiers.map((tier) => {
    const of = (b: SecondPoint[], k: "p50" | "p95") =>
      maxOf(b.map((p) => p.by_operation?.[`search@${tier}`]?.[k] ?? null));
    return { tier, p50: series(ps, (b) => of(b, "p50")), p95: series(ps, (b) => of(b, "p95")) };
  });
}

/**
 * A marker per sample interval (or bucket of `bucketSeconds`) in which a transition counter
 * rose, at the end of the interval: the counter is sampled, so a move happened in the interval
 * before its marker. A counter reset (a restarted target) is no move.
 */
function tierMarkers(
  counters: { move: string; points: { t: number; value: number }[] }[],
  bucketSeconds: number,
): ChartData["tierMarkers"] {
  const out: ChartData["tierMarkers"] = [];
  for (const { move, points } of counters) {
    const byBucket = new Map<number, { t: number; count: number }>();
    for (let i = 1; i < points.length; i++) {
      const rise = points[i].value - points[i - 1].value;
      if (rise <= 0) continue;
      const bucket = Math.floor(points[i].t / bucketSeconds);
      const m = byBucket.get(bucket) ?? { t: points[i].t, count: 0 };
      m.count += rise;
      byBucket.set(bucket, m);
    }
    for (const m of byBucket.values()) out.push({ t: round(m.t)!, move, count: m.count });
  }
  return out;
}

/** Names tenants as people count: tenant-2 before tenant-10. */
export function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/** Builds the chart data of one run. */
export function chartData(run: RunResult): ChartData {
  const end = run.duration_seconds;
  // The second that ends after the run is a partial one: drawn, it looks like a cliff.
  const ps = run.series.per_second.filter((p) => p.t + 1 <= end + 1e-9);
  const during = <T extends { t: number }>(points: T[]) => points.filter((p) => p.t <= end);
  const { bucketSize } = downsample(ps, MAX_CHART_POINTS, () => 0);
  const classes = [...new Set(ps.flatMap((p) => Object.keys(p.errors)))].sort();
  const errors: Record<string, XY[]> = {};
  for (const c of classes) {
    errors[c] = series(ps, (b) => meanOf(b.map((p) => p.errors[c] ?? 0)));
  }
  const res = during(run.series.resources);
  const rss = res.filter((r) => r.target_rss_mb !== null).map((r) => ({
    t: r.t,
    y: r.target_rss_mb!,
  }));
  const tiers: Record<string, XY[]> = {};
  const tierRates: Record<string, XY[]> = {};
  const others: Record<string, Record<string, XY[]>> = {};
  const zeroThroughout: string[] = [];
  const moveCounters: { move: string; points: { t: number; value: number }[] }[] = [];
  let breaker: XY[] = [];
  for (const [name, all] of Object.entries(run.series.target_metrics).sort()) {
    const pts = during(all);
    if (pts.length === 0) continue;
    if (pts.every((p) => p.value === 0)) {
      zeroThroughout.push(name);
      continue;
    }
    const moves = TIER_MOVES.exec(name);
    if (moves) {
      moveCounters.push({ move: `${moves[1]} → ${moves[2]}`, points: pts });
      tierRates[`${moves[1]} → ${moves[2]}`] = series(
        ratePoints(pts),
        (b) => meanOf(b.map((p) => p.value)),
      );
      continue;
    }
    const xy = series(
      pts,
      (b) => TIER.test(name) ? meanOf(b.map((p) => p.value)) : maxOf(b.map((p) => p.value)),
    );
    if (TIER.test(name)) tiers[TIER.exec(name)![1]] = xy;
    else if (BREAKER.test(name)) breaker = xy;
    else (others[name.replace(/\{.*$/, "")] ??= {})[seriesLabel(name)] = xy;
  }
  const tierOrder = TIER_ORDER.filter((t) => t in tiers);
  return {
    bucketSeconds: bucketSize,
    end,
    phases: run.phase_windows.map((p) => ({ name: p.name, start: p.start_s, end: p.end_s })),
    latency: {
      p50: series(ps, (b) => maxOf(b.map((p) => p.p50))),
      p95: series(ps, (b) => maxOf(b.map((p) => p.p95))),
      p99: series(ps, (b) => maxOf(b.map((p) => p.p99))),
    },
    rate: {
      offered: series(ps, (b) => meanOf(b.map((p) => p.offered))),
      achieved: series(ps, (b) => meanOf(b.map((p) => p.achieved))),
      dropped: series(ps, (b) => meanOf(b.map((p) => p.dropped))),
    },
    errors,
    spectrum: spectra(run),
    operations: bars(run.operations, (s) => s.operation),
    tenants: bars(
      run.tenants.filter((s) => s.operation === "all").sort((a, b) =>
        naturalOrder(a.tenant ?? "", b.tenant ?? "")
      ),
      (s) => s.tenant ?? "?",
    ),
    tierRates,
    tierLatency: tierLatency(ps),
    tierMarkers: tierMarkers(moveCounters, bucketSize),
    memory: rss.length === 0 ? null : {
      target: series(res, (b) => meanOf(b.map((r) => r.target_rss_mb))),
      generator: series(res, (b) => meanOf(b.map((r) => r.generator_rss_mb))),
      slope: fitLine(rss),
      beyondWrites: res.some((r) => r.written_mb !== undefined)
        ? series(
          res,
          (b) =>
            meanOf(b.map((r) =>
              r.target_rss_mb === null || r.written_mb === undefined
                ? null
                : r.target_rss_mb - r.written_mb
            )),
        )
        : [],
    },
    cpu: res.length === 0 ? null : {
      target: series(res, (b) => meanOf(b.map((r) => r.target_cpu_percent))),
      generator: series(res, (b) => meanOf(b.map((r) => r.generator_cpu_percent))),
    },
    recall: run.recall ? series(run.recall.series, (b) => meanOf(b.map((r) => r.recall))) : [],
    tiers: Object.fromEntries(tierOrder.map((t) => [t, tiers[t]])),
    breaker,
    otherTargetMetrics: others,
    zeroThroughout,
    sweep: sweepChart(run),
  };
}
