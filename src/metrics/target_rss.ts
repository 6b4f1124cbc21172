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
