import { cpuUsage } from "node:process";
import type { ResourcePoint, RunResult } from "../result/run_result.ts";
import { EventLoopLagMonitor } from "./event_loop_lag.ts";
import { memoryGrowthPerMin } from "./least_squares.ts";
import { type ProcessStats, readProcessStats } from "./process_stats.ts";
import { seriesKey } from "./prometheus_text.ts";
import { scrapeMetrics } from "./target_rss.ts";

export interface SamplerOptions {
  /** Target process id, when the target runs on this machine (RSS and CPU from /proc). */
  pid?: number;
  /** Target's Prometheus endpoint; also the RSS/CPU source when there is no pid. */
  metricsUrl?: string;
  intervalMs?: number;
  /** Metric names whose series are kept over time (every label set of each). */
  gauges?: string[];
  /** MB the vectors written so far cost the target, to tell data growth from other growth. */
  writtenMb?: () => number;
}

export interface SamplerResult {
  resources: ResourcePoint[];
  targetMetrics: Record<string, { t: number; value: number }[]>;
  memoryMb: RunResult["memory_mb"];
  cpuPercent: RunResult["cpu_percent"];
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 1000;

/**
 * Samples every intervalMs until stop(): target RSS/CPU (from /proc/<pid> or the target's
 * process_resident_memory_bytes / process_cpu_seconds_total), the generator's own RSS, CPU and
 * event-loop lag, and the chosen gauges of the target's /metrics. `t` is seconds since start.
 */
export function startSampler(options: SamplerOptions): { stop(): Promise<SamplerResult> } {
  const intervalMs = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  const gauges = new Set(options.gauges ?? []);
  const resources: ResourcePoint[] = [];
  const targetMetrics: Record<string, { t: number; value: number }[]> = {};
  const lag = new EventLoopLagMonitor().start();
  const t0 = performance.now();
  let last = { wall: t0, generatorCpuUs: totalCpuUs(), targetCpuS: null as number | null };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const scrape = async (t: number): Promise<ProcessStats | null> => {
    if (!options.metricsUrl) return null;
    const scraped = await scrapeMetrics(options.metricsUrl, intervalMs);
    for (const s of scraped?.samples ?? []) {
      if (gauges.has(s.name)) (targetMetrics[seriesKey(s)] ??= []).push({ t, value: s.value });
    }
    if (!scraped || scraped.rssMb === null || scraped.cpuSeconds === null) return null;
    return { rssMb: scraped.rssMb, cpuSeconds: scraped.cpuSeconds };
  };

  const sample = async () => {
    const now = performance.now();
    const t = round3((now - t0) / 1000);
    const [fromProc, fromMetrics] = await Promise.all([
      options.pid === undefined ? null : readProcessStats(options.pid),
      scrape(t),
    ]);
    const target = fromProc ?? fromMetrics;
    const wallS = (now - last.wall) / 1000;
    const cpuUs = totalCpuUs();
    // CPU is a rate: the first sample (t ≈ 0) only sets baselines, and a final sample taken just
    // after a periodic one has too short an interval behind it to say anything.
    const rated = resources.length > 0 && wallS * 1000 >= intervalMs / 10;
    const targetCpu = target && last.targetCpuS !== null && rated
      ? (target.cpuSeconds - last.targetCpuS) / wallS * 100
      : null;
    resources.push({
      t,
      target_rss_mb: target ? round3(target.rssMb) : null,
      target_cpu_percent: targetCpu === null ? null : round3(targetCpu),
      generator_rss_mb: round3(Deno.memoryUsage().rss / (1024 * 1024)),
      generator_cpu_percent: !rated ? null : round3((cpuUs - last.generatorCpuUs) / 1e4 / wallS),
      event_loop_lag_ms: round3(lag.takeWindowMaxMs()),
      ...(options.writtenMb ? { written_mb: round3(options.writtenMb()) } : {}),
    });
    last = { wall: now, generatorCpuUs: cpuUs, targetCpuS: target?.cpuSeconds ?? null };
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
      return { resources, targetMetrics, ...summarizeTarget(resources) };
    },
  };
}

/** Target memory (start/end/peak/growth) and CPU (average/peak), or null without target data. */
function summarizeTarget(points: ResourcePoint[]): Pick<SamplerResult, "memoryMb" | "cpuPercent"> {
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
    },
    cpuPercent: cpu.length === 0 ? null : {
      average: round3(cpu.reduce((a, b) => a + b, 0) / cpu.length),
      peak: Math.max(...cpu),
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
