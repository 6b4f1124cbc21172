import { PreciseWake } from "./precise_wake.ts";

/** Time source of the engine; tests substitute a fake one. Times in milliseconds. */
export interface Clock {
  /** Monotonic time (performance.now() for the real clock). */
  now(): number;
  /** Resolves after about `ms` (timers in Deno fire ~1–3 ms late). */
  sleep(ms: number): Promise<void>;
  /**
   * Runs `fn` once `ms` have passed, at most ~0.1 ms later (the real clock: PreciseWake), while
   * I/O callbacks run as usual meanwhile. A callback rather than a promise: the engine waits
   * tens of thousands of times a second, and a promise each is garbage.
   */
  wake(ms: number, fn: () => void): void;
  /** Gets `wake` ready before a load (the real clock starts its thread, which takes a while). */
  prepare?(): Promise<void>;
}

const precise = new PreciseWake();

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  wake: (ms, fn) => precise.after(ms, fn),
  prepare: () => precise.start(),
};
