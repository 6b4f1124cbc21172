import { setTimeout as sleep } from "node:timers/promises";
import { readProcessStats } from "./process_stats.ts";
import { parsePrometheusText, type PromSample } from "./prometheus_text.ts";
import { type ResourceReading, resourcesFromSamples } from "./resource_series.ts";

/**
 * Where a target's memory can be read: /proc/<pid> when it runs here, else a Prometheus endpoint
 * (the target's /metrics, or the exporter named with --resource-metrics).
 */
export interface TargetProcess {
  pid?: number;
  metricsUrl?: string;
  /** Bearer key for metricsUrl (a tenancy server's /metrics needs the operator's or a reader's). */
  metricsKey?: string;
}

/** The target's resident memory in MB now; null when neither source answers. */
export async function readTargetRssMb(p: TargetProcess, timeoutMs = 1000): Promise<number | null> {
  const local = p.pid === undefined ? null : await readProcessStats(p.pid);
  if (local) return local.rssMb;
  if (!p.metricsUrl) return null;
  return (await scrapeMetrics(p.metricsUrl, timeoutMs, p.metricsKey))?.rssMb ?? null;
}

/** What one scrape of a Prometheus endpoint says: its samples and the resources read from them. */
export interface MetricsScrape extends ResourceReading {
  samples: PromSample[];
}

/**
 * Scrapes a Prometheus endpoint once (with `key` as a bearer token when given); null when it does
 * not answer 200 within timeoutMs.
 */
export async function scrapeMetrics(
  url: string,
  timeoutMs: number,
  key?: string,
): Promise<MetricsScrape | null> {
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    const { samples } = parsePrometheusText(await res.text());
    return { samples, ...resourcesFromSamples(samples) };
  } catch {
    return null;
  }
}

export interface SteadyOptions {
  intervalMs?: number;
  /** RSS is steady once every reading over this long stays within `toleranceMb` of the last. */
  windowMs?: number;
  toleranceMb?: number;
  /** Give up waiting and return the last reading after this long. */
  timeoutMs?: number;
}

/**
 * Reads RSS until it holds still, and returns that reading (null when nothing answers). A server
 * often gives memory back shortly after a burst of work: the reference server runs a full GC and
 * malloc_trim 250 ms after it falls quiet, and 50,000 bulk-loaded vectors then drop its RSS from
 * 298 to 264 MB. A reading taken at once would charge that garbage to the data.
 */
export async function steadyRssMb(
  read: () => Promise<number | null>,
  options: SteadyOptions = {},
): Promise<number | null> {
  const { intervalMs = 250, windowMs = 1000, toleranceMb = 0.5, timeoutMs = 10_000 } = options;
  const need = Math.ceil(windowMs / intervalMs) + 1;
  const deadline = performance.now() + timeoutMs;
  const readings: number[] = [];
  while (true) {
    const mb = await read();
    if (mb === null) return readings.at(-1) ?? null;
    readings.push(mb);
    const recent = readings.slice(-need);
    const steady = recent.length === need && recent.every((r) => Math.abs(r - mb) <= toleranceMb);
    if (steady || performance.now() >= deadline) return mb;
    await sleep(intervalMs);
  }
}
