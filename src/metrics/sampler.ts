import { cpuUsage } from "node:process";
import type { ResourcePoint, RunResult } from "../result/run_result.ts";
import { EventLoopLagMonitor } from "./event_loop_lag.ts";
import { memoryGrowthPerMin } from "./least_squares.ts";
import { readProcessStats } from "./process_stats.ts";
import { type PromSample, seriesKey } from "./prometheus_text.ts";
import type { ResourceReading, ResourceSource } from "./resource_series.ts";
import { scrapeMetrics } from "./target_rss.ts";

export interface SamplerOptions {
  /** Target process id, when the target runs on this machine (RSS and CPU from /proc). */
  pid?: number;
  /** Target's Prometheus endpoint: the gauges, and the RSS/CPU source when there is no pid. */
  metricsUrl?: string;
  /** Bearer key for metricsUrl only (never sent to resourceMetricsUrl, another server). */
  metricsKey?: string;
  /**
   * A Prometheus endpoint to read RSS/CPU from instead of the pid and metricsUrl (--resource-
   * metrics: a node_exporter or process-exporter next to a remote target).
   */
  resourceMetricsUrl?: string;
  intervalMs?: number;
  /** Metric names whose series are kept over time (every label set of each). */
  gauges?: string[];
  /** MB the vectors written so far cost the target, to tell data growth from other growth. */
  writtenMb?: () => number;
  /** Each sample as it is taken, with the kept gauges' latest values (live /metrics). */
  onSample?: (point: ResourcePoint, gauges: PromSample[]) => void;
}

export interface SamplerResult {
  resources: ResourcePoint[];
  targetMetrics: Record<string, { t: number; value: number }[]>;
  memoryMb: RunResult["memory_mb"];
  cpuPercent: RunResult["cpu_percent"];
  /** Where the target's RSS and CPU were read from (null: no reading of that series). */
  sources: { rss: ResourceSource | null; cpu: ResourceSource | null };
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 1000;
/**
 * How long one scrape may take. A target under load can answer /metrics late; a late reading is
 * still a reading (the next sample is then due at once), where a scrape cut at the interval
 * would lose exactly the samples of the busiest seconds.
 */
const SCRAPE_TIMEOUT_MS = 5000;

/**
 * Samples every intervalMs until stop(): target RSS and CPU, each series on its own (from
 * /proc/<pid>, else from the resource endpoint's process_*, namedprocess_* or node_* series; see
 * resourcesFromSamples), the generator's own RSS, CPU and event-loop lag, and the chosen gauges
 * of the target's /metrics. `t` is seconds since start.
 */
export function startSampler(options: SamplerOptions): { stop(): Promise<SamplerResult> } {
  const intervalMs = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  const gauges = new Set(options.gauges ?? []);
  const resources: ResourcePoint[] = [];
  const targetMetrics: Record<string, { t: number; value: number }[]> = {};
  const sources: SamplerResult["sources"] = { rss: null, cpu: null };
  const lag = new EventLoopLagMonitor().start();
  const t0 = performance.now();
  const pid = options.resourceMetricsUrl ? undefined : options.pid;
  const resourceUrl = options.resourceMetricsUrl ?? options.metricsUrl;
  let last = { wall: t0, generatorCpuUs: totalCpuUs(), targetCpuS: null as number | null };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  let kept: PromSample[] = [];
  const scrape = async (t: number): Promise<ResourceReading | null> => {
    const separate = resourceUrl !== options.metricsUrl;
    const [scraped, fromResourceUrl] = await Promise.all([
      options.metricsUrl
        ? scrapeMetrics(options.metricsUrl, SCRAPE_TIMEOUT_MS, options.metricsKey)
        : null,
      separate && resourceUrl ? scrapeMetrics(resourceUrl, SCRAPE_TIMEOUT_MS) : null,
    ]);
    kept = (scraped?.samples ?? []).filter((s) => gauges.has(s.name));
    for (const s of kept) (targetMetrics[seriesKey(s)] ??= []).push({ t, value: s.value });
    return separate ? fromResourceUrl : scraped;
  };

  const read = async (t: number): Promise<ResourceReading | null> => {
    const [fromProc, fromMetrics] = await Promise.all([
      pid === undefined ? null : readProcessStats(pid),
      scrape(t),
    ]);
    if (!fromProc) return fromMetrics;
    return { ...fromProc, rssSource: "proc", cpuSource: "proc" };
  };

  const sample = async () => {
    const now = performance.now();
    const t = round3((now - t0) / 1000);
    const target = await read(t);
    const rssMb = target?.rssMb ?? null, cpuSeconds = target?.cpuSeconds ?? null;
    sources.rss ??= target?.rssSource ?? null;
    sources.cpu ??= target?.cpuSource ?? null;
    const wallS = (now - last.wall) / 1000;
    const cpuUs = totalCpuUs();
    // CPU is a rate: the first sample (t ≈ 0) only sets baselines, and a final sample taken just
    // after a periodic one has too short an interval behind it to say anything.
    const rated = resources.length > 0 && wallS * 1000 >= intervalMs / 10;
    const targetCpu = cpuSeconds !== null && last.targetCpuS !== null && rated
      ? (cpuSeconds - last.targetCpuS) / wallS * 100
      : null;
    const point: ResourcePoint = {
      t,
      target_rss_mb: rssMb === null ? null : round3(rssMb),
      target_cpu_percent: targetCpu === null ? null : round3(targetCpu),
      generator_rss_mb: round3(Deno.memoryUsage().rss / (1024 * 1024)),
      generator_cpu_percent: !rated ? null : round3((cpuUs - last.generatorCpuUs) / 1e4 / wallS),
      event_loop_lag_ms: round3(lag.takeWindowMaxMs()),
      ...(options.writtenMb ? { written_mb: round3(options.writtenMb()) } : {}),
    };
    resources.push(point);
    options.onSample?.(point, kept);
    last = { wall: now, generatorCpuUs: cpuUs, targetCpuS: cpuSeconds };
  };

  const loop = () => {
    const due = t0 + (resources.length + 1) * intervalMs;
    timer = setTimeout(() => {
      running = sample().then(() => {
        if (!stopped) loop();
      });
    }, Math.max(0, due - performance.now()));
  };
  running = sample().then(() => {
    if (!stopped) loop();
  });

  return {
    async stop(): Promise<SamplerResult> {
      stopped = true;
      clearTimeout(timer);
      await running;
      await sample();
      lag.stop();
      return { resources, targetMetrics, sources, ...summarizeTarget(resources, sources) };
    },
  };
}

/** Target memory (start/end/peak/growth) and CPU (average/peak), or null without target data. */
function summarizeTarget(
  points: ResourcePoint[],
  sources: SamplerResult["sources"],
): Pick<SamplerResult, "memoryMb" | "cpuPercent"> {
  const measured = points.filter((p) => p.target_rss_mb !== null);
  const rss = measured.map((p) => ({ t: p.t, mb: p.target_rss_mb! }));
  const written = measured.at(-1)?.written_mb;
  const cpu = points.map((p) => p.target_cpu_percent).filter((c): c is number => c !== null);
  return {
    memoryMb: rss.length === 0 ? null : {
      start: rss[0].mb,
      end: rss[rss.length - 1].mb,
      peak: Math.max(...rss.map((r) => r.mb)),
      growth_per_min: round3(memoryGrowthPerMin(rss)),
      ...(written === undefined ? {} : {
        written,
        growth_beyond_writes_per_min: round3(memoryGrowthPerMin(
          measured.map((p) => ({ t: p.t, mb: p.target_rss_mb! - (p.written_mb ?? 0) })),
        )),
      }),
      ...(sources.rss ? { source: sources.rss } : {}),
    },
    cpuPercent: cpu.length === 0 ? null : {
      average: round3(cpu.reduce((a, b) => a + b, 0) / cpu.length),
      peak: Math.max(...cpu),
      ...(sources.cpu ? { source: sources.cpu } : {}),
    },
  };
}

function totalCpuUs(): number {
  const u = cpuUsage();
  return u.user + u.system;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
