import type { LiveStatus } from "../metrics/live_run.ts";

/** Seconds between status lines, as k6 prints them when its output is not a terminal. */
export const STATUS_INTERVAL_MS = 10_000;

export interface StatusLineOptions {
  /** The load in progress (or the last one), read at each tick. */
  status: () => LiveStatus | null;
  write: (line: string) => void;
  intervalMs?: number;
  /** Calls `tick` every `ms` until the returned stop function is called (tests drive it). */
  every?: (ms: number, tick: () => void) => () => void;
}

export interface StatusLines {
  /** The latest progress message (setup, verification), printed while no load runs. */
  note(message: string): void;
  stop(): void;
}

/**
 * Plain status lines for logs (stdout not a terminal): every interval, while a load runs, one
 * line with elapsed of total, phase, achieved vs offered rate over the last seconds, p95 so far,
 * errors and drops; between loads, the latest progress message.
 */
export function startStatusLines(options: StatusLineOptions): StatusLines {
  let note: string | null = null;
  const every = options.every ?? ((ms, tick) => {
    const id = setInterval(tick, ms);
    return () => clearInterval(id);
  });
  const stop = every(options.intervalMs ?? STATUS_INTERVAL_MS, () => {
    const s = options.status();
    if (s?.running) options.write(statusLine(s));
    else if (note !== null) options.write(`akibench: ${note}`);
  });
  return {
    note(message) {
      note = message;
    },
    stop,
  };
}

/**
 * e.g. `baseline@reference 20/60 s, phase hold, 99.8/100.0 req/s achieved/offered, p95 3.1 ms,
 * recall@10 0.981 (412 searches), errors …` (recall once a measured search has been scored).
 */
export function statusLine(s: LiveStatus): string {
  const rate = (n: number) => (s.recent.seconds === 0 ? 0 : n / s.recent.seconds).toFixed(1);
  const failed = s.errors + s.dropped;
  const errorPct = s.requests === 0 ? 0 : failed / s.requests * 100;
  return [
    `${s.scenario}@${s.target} ${s.elapsedS}/${Math.ceil(s.durationS)} s`,
    ...(s.phase === "" ? [] : [`phase ${s.phase}`]),
    `${rate(s.recent.achieved)}/${rate(s.recent.offered)} req/s achieved/offered`,
    `p95 ${s.p95Ms === null ? "–" : s.p95Ms.toFixed(1)} ms`,
    ...(s.recall === null
      ? []
      : [`recall@${s.recall.k} ${s.recall.value.toFixed(3)} (${s.recall.samples} searches)`]),
    `errors ${s.errors}, drops ${s.dropped} (${errorPct.toFixed(2)}% of ${s.requests} requests)`,
  ].join(", ");
}
