import type { PromSample } from "./prometheus_text.ts";

import type { ResourceSource } from "../result/run_result.ts";

// Defined with the RunResult, which records it; the metrics that read resources re-export it.
export type { ResourceSource };

/** Memory (MB) and cumulative CPU time (seconds), each null when its source lacks it. */
export interface ResourceReading {
  rssMb: number | null;
  cpuSeconds: number | null;
  /** The family each series was read from (null when that series is absent). */
  rssSource: ResourceSource | null;
  cpuSource: ResourceSource | null;
}

const MB = 1024 * 1024;

/** CPU modes node_exporter counts that are not work: idle time and time waiting for I/O. */
const NODE_IDLE_MODES = new Set(["idle", "iowait", "steal"]);

/**
 * Reads memory and CPU from one scrape, each series on its own (a missing CPU counter never
 * hides the memory reading), preferring the most specific family present:
 * - process_resident_memory_bytes, process_cpu_seconds_total (the target's own process);
 * - process-exporter: namedprocess_namegroup_memory_bytes{memtype="resident"} and
 *   namedprocess_namegroup_cpu_seconds_total, summed over every group and mode (configure it to
 *   match only the database's processes);
 * - node_exporter: node_memory_MemTotal_bytes − node_memory_MemAvailable_bytes and
 *   node_cpu_seconds_total of every mode but idle/iowait/steal, summed over CPUs: the whole
 *   machine, meaningful only on a machine that runs the database alone.
 * CPU percent from any of them is per core (200 % = two cores busy), as from /proc.
 */
export function resourcesFromSamples(samples: PromSample[]): ResourceReading {
  const sum = (pick: (s: PromSample) => boolean): number | null => {
    let total: number | null = null;
    for (const s of samples) {
      if (pick(s) && Number.isFinite(s.value)) total = (total ?? 0) + s.value;
    }
    return total;
  };
  const named = (name: string) => (s: PromSample) => s.name === name;
  const memory: [ResourceSource, () => number | null][] = [
    ["process", () => sum(named("process_resident_memory_bytes"))],
    [
      "namedprocess",
      () =>
        sum((s) =>
          s.name === "namedprocess_namegroup_memory_bytes" && s.labels.memtype === "resident"
        ),
    ],
    ["node", () => {
      const total = sum(named("node_memory_MemTotal_bytes"));
      const available = sum(named("node_memory_MemAvailable_bytes"));
      return total === null || available === null ? null : total - available;
    }],
  ];
  const cpu: [ResourceSource, () => number | null][] = [
    ["process", () => sum(named("process_cpu_seconds_total"))],
    ["namedprocess", () => sum(named("namedprocess_namegroup_cpu_seconds_total"))],
    [
      "node",
      () => sum((s) => s.name === "node_cpu_seconds_total" && !NODE_IDLE_MODES.has(s.labels.mode)),
    ],
  ];
  const first = (readers: [ResourceSource, () => number | null][]) => {
    for (const [source, read] of readers) {
      const value = read();
      if (value !== null) return { value, source };
    }
    return { value: null, source: null };
  };
  const rss = first(memory), cpuTime = first(cpu);
  return {
    rssMb: rss.value === null ? null : rss.value / MB,
    cpuSeconds: cpuTime.value,
    rssSource: rss.source,
    cpuSource: cpuTime.source,
  };
}
