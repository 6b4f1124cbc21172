import { setImmediate } from "node:timers";

/** Time source of the engine; tests substitute a fake one. Times in milliseconds. */
export interface Clock {
  /** Monotonic time (performance.now() for the real clock). */
  now(): number;
  /** Resolves after about `ms` (timers in Deno fire ~1–3 ms late). */
  sleep(ms: number): Promise<void>;
  /**
   * Yields one macrotask turn, so I/O callbacks run, and resolves at once after it; when
   * `blockMs` > 0, first blocks the thread that long (precise to ~0.1 ms, and no CPU is used,
   * unlike a run of bare yields, but I/O that completes meanwhile waits).
   */
  yield(blockMs?: number): Promise<void>;
}

const futex = new Int32Array(new SharedArrayBuffer(4));

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  yield: (blockMs = 0) => {
    if (blockMs > 0) Atomics.wait(futex, 0, 0, blockMs);
    return new Promise((resolve) => setImmediate(resolve));
  },
};
