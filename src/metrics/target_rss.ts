import { parsePrometheusText } from "./prometheus_text.ts";
import { readProcessStats } from "./process_stats.ts";

/** Where a target's memory can be read: /proc/<pid> when it runs here, else its /metrics. */
export interface TargetProcess {
  pid?: number;
  metricsUrl?: string;
}

/** The target's resident memory in MB now; null when neither source answers. */
export async function readTargetRssMb(p: TargetProcess, timeoutMs = 1000): Promise<number | null> {
  if (p.pid !== undefined) {
    const stats = await readProcessStats(p.pid);
    if (stats) return stats.rssMb;
  }
  if (!p.metricsUrl) return null;
  try {
    const res = await fetch(p.metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    const rss = parsePrometheusText(await res.text()).samples
      .find((s) => s.name === "process_resident_memory_bytes");
    return rss ? rss.value / (1024 * 1024) : null;
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
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
