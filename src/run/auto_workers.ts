import type { LoadSpec } from "../load/load_spec.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";

/**
 * Generator CPU per request (µs) of one event loop: a fixed part (scheduling, recording, an
 * HTTP/1.1 exchange) and a part per vector dimension (formatting and parsing vector text).
 * Deliberately high estimates, not a measurement: one loop sends 28–40k small requests/s with
 * strict timing on a quiet machine of this kind (bench/generator.ts, ≤ 36 µs each when busy),
 * and bench/adapter_cpu.ts holds a 512-d search to ≤ 50 µs; 40 + 0.05 × 512 = 66 µs. Too high
 * a figure only adds workers where one loop would have been at least half busy.
 */
export const REQUEST_CPU_US = 40;
export const REQUEST_CPU_US_PER_DIM = 0.05;

/**
 * Share of a core one event loop may be busy and still keep the schedule (lag p99 under a
 * millisecond): past about half, arrivals start to wait behind completions.
 */
export const LOOP_BUSY_SHARE = 0.5;

/** Fewest requests each worker should be allowed in flight (each gets 1/N of a stream's limit). */
export const MIN_IN_FLIGHT_PER_WORKER = 4;

/** Rate profiles are sampled this often for their peak (they are piecewise linear in time). */
const PEAK_STEP_S = 0.1;

export interface WorkerChoice {
  workers: number;
  /** Why, in one line (printed when `--workers auto` picks more than one). */
  reason: string;
}

/** What the choice depends on besides the load: the machine and where the target runs. */
export interface WorkerHost {
  cores: number;
  /** The target runs on this machine (embedded, or at a loopback URL): it needs a core too. */
  localTarget: boolean;
  /** Workers reach the target by URL; a target without one runs on the main loop only. */
  hasUrl: boolean;
}

/** The highest total offered rate (req/s) over the run, summed over the streams. */
export function peakOfferedRate(spec: Pick<LoadSpec, "durationS" | "streams">): number {
  let peak = 0;
  const steps = Math.ceil(spec.durationS / PEAK_STEP_S);
  for (let i = 0; i <= steps; i++) {
    const t = Math.min(i * PEAK_STEP_S, spec.durationS - 1e-9);
    let sum = 0;
    for (const s of spec.streams) sum += s.profile.rate(t);
    if (sum > peak) peak = sum;
  }
  return peak;
}

/**
 * `--workers auto`: one event loop (the reference path) unless one loop cannot hold the peak
 * offered rate at LOOP_BUSY_SHARE of a core; then as many loops as that needs, but no more than
 * the cores left beside a local target and no more than the smallest in-flight limit allows
 * (each worker gets 1/N of it, and a worker with one or two slots queues what one loop would
 * have sent).
 */
export function chooseWorkers(
  spec: Pick<LoadSpec, "durationS" | "streams">,
  dim: number,
  host: WorkerHost,
): WorkerChoice {
  const peak = peakOfferedRate(spec);
  const cpuUs = REQUEST_CPU_US + REQUEST_CPU_US_PER_DIM * dim;
  const loadCores = (peak * cpuUs) / 1e6;
  const needed = Math.max(1, Math.ceil(loadCores / LOOP_BUSY_SHARE));
  const what = `peak ${Math.round(peak)} req/s × ~${Math.round(cpuUs)} µs`;
  if (needed === 1) return { workers: 1, reason: `one event loop holds ${what}` };
  if (!host.hasUrl) return { workers: 1, reason: `${what}, but the target has no URL for workers` };
  const coreCap = Math.max(1, host.cores - (host.localTarget ? 1 : 0));
  const minInFlight = Math.min(...spec.streams.map((s) => s.maxInFlight));
  const inFlightCap = Math.max(1, Math.floor(minInFlight / MIN_IN_FLIGHT_PER_WORKER));
  const workers = Math.min(needed, coreCap, inFlightCap, 64);
  const bounds = [
    workers === coreCap && coreCap < needed
      ? `${host.cores} cores${host.localTarget ? ", one for the target" : ""}`
      : "",
    workers === inFlightCap && inFlightCap < needed ? `in-flight limit ${minInFlight}` : "",
  ].filter((b) => b !== "");
  return {
    workers,
    reason: `${what} needs ${needed} event loops at ≤ ${LOOP_BUSY_SHARE * 100} % busy` +
      (bounds.length > 0 ? `; bounded by ${bounds.join(" and ")}` : ""),
  };
}

/** Whether a target URL is on this machine (its CPU competes with the generator's). */
export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** `--workers auto` for a run on `target`; says so when it is more than the single loop. */
export function autoWorkers(spec: LoadSpec, dim: number, target: ScenarioTarget): number {
  const choice = chooseWorkers(spec, dim, {
    cores: navigator.hardwareConcurrency,
    localTarget: target.pid !== undefined || isLoopbackUrl(target.url),
    hasUrl: target.url !== undefined,
  });
  if (choice.workers > 1) console.log(`--workers auto: ${choice.workers} (${choice.reason})`);
  return choice.workers;
}
