/**
 * Linux's /proc reports CPU time in USER_HZ ticks, which the kernel ABI fixes at 100 per second
 * for /proc whatever the kernel's internal HZ.
 */
const USER_HZ = 100;

/** CPU time (seconds, user + system) and resident memory (MB) of one process. */
export interface ProcessStats {
  cpuSeconds: number;
  rssMb: number;
}

/**
 * The one reader of a process's CPU time and RSS in /proc (the sampler's, the benchmarks'): reads
 * /proc/<pid>/stat and /proc/<pid>/status; null when the process or /proc is absent.
 */
export async function readProcessStats(pid: number | "self"): Promise<ProcessStats | null> {
  try {
    const [stat, status] = await Promise.all([
      Deno.readTextFile(`/proc/${pid}/stat`),
      Deno.readTextFile(`/proc/${pid}/status`),
    ]);
    return parseProcessStats(stat, status);
  } catch {
    return null;
  }
}

/** {@link readProcessStats} for a caller that must not await (a benchmark's timing points). */
export function readProcessStatsSync(pid: number | "self"): ProcessStats | null {
  try {
    return parseProcessStats(
      Deno.readTextFileSync(`/proc/${pid}/stat`),
      Deno.readTextFileSync(`/proc/${pid}/status`),
    );
  } catch {
    return null;
  }
}

/** Parses the two files' text (exported for tests). */
export function parseProcessStats(stat: string, status: string): ProcessStats | null {
  // The command name (field 2) is in parentheses and may contain spaces: split after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).trim().split(/\s+/);
  // Fields from 3 on: state is fields[0], so utime (14) is fields[11] and stime (15) fields[12].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!Number.isFinite(utime) || !Number.isFinite(stime) || !rss) return null;
  return { cpuSeconds: (utime + stime) / USER_HZ, rssMb: Number(rss[1]) / 1024 };
}
