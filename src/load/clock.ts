import { setImmediate } from "node:timers";

/** Time source of the engine; tests substitute a fake one. Times in milliseconds. */
export interface Clock {
  /** Monotonic time (performance.now() for the real clock). */
  now(): number;
  /** Resolves after about `ms` (timers in Deno fire ~1–3 ms late). */
  sleep(ms: number): Promise<void>;
  /** Yields one macrotask turn, so I/O callbacks run, and resolves at once after it. */
  yield(): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  yield: () => new Promise((resolve) => setImmediate(resolve)),
};
