import { cpuUsage } from "node:process";
import { metric } from "./prometheus_text.ts";

/**
 * The standard process collector's series (the names Prometheus client libraries export), so
 * that any scraper, akibench's sampler on another machine included, reads the server's CPU and
 * memory: process_cpu_{user,system}_seconds_total, process_cpu_seconds_total,
 * process_resident_memory_bytes, process_virtual_memory_bytes, process_start_time_seconds,
 * process_open_fds and process_max_fds (the last three from /proc, left out where it is absent).
 */
export function processMetricLines(rssBytes: number): string[] {
  const cpu = cpuUsage();
  const user = cpu.user / 1e6, system = cpu.system / 1e6;
  const proc = procSelf();
  return [
    ...metric("process_cpu_user_seconds_total", "counter", "User CPU time in seconds.", [
      ["", user],
    ]),
    ...metric("process_cpu_system_seconds_total", "counter", "System CPU time in seconds.", [
      ["", system],
    ]),
    ...metric("process_cpu_seconds_total", "counter", "User and system CPU time in seconds.", [
      ["", user + system],
    ]),
    ...metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", [
      ["", rssBytes],
    ]),
    ...metric(
      "process_start_time_seconds",
      "gauge",
      "Start time of the process since the Unix epoch in seconds.",
      [["", Math.round(performance.timeOrigin) / 1000]],
    ),
    ...(proc.virtualBytes === null ? [] : metric(
      "process_virtual_memory_bytes",
      "gauge",
      "Virtual memory size in bytes.",
      [["", proc.virtualBytes]],
    )),
    ...(proc.openFds === null
      ? []
      : metric("process_open_fds", "gauge", "Open file descriptors.", [["", proc.openFds]])),
    ...(proc.maxFds === null ? [] : metric(
      "process_max_fds",
      "gauge",
      "Maximum number of open file descriptors.",
      [["", proc.maxFds]],
    )),
  ];
}

/** What Linux's /proc/self says about open files and virtual memory; nulls elsewhere. */
function procSelf(): {
  openFds: number | null;
  maxFds: number | null;
  virtualBytes: number | null;
} {
  const read = <T>(f: () => T): T | null => {
    try {
      return f();
    } catch {
      return null;
    }
  };
  const openFds = read(() => [...Deno.readDirSync("/proc/self/fd")].length);
  const limits = read(() => Deno.readTextFileSync("/proc/self/limits"));
  const max = limits && /^Max open files\s+(\d+)/m.exec(limits);
  const status = read(() => Deno.readTextFileSync("/proc/self/status"));
  const vm = status && /^VmSize:\s+(\d+)\s+kB/m.exec(status);
  return {
    openFds,
    maxFds: max ? Number(max[1]) : null,
    virtualBytes: vm ? Number(vm[1]) * 1024 : null,
  };
}
