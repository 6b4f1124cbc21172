import { setImmediate } from "node:timers";

/** Time source of the engine; tests substitute a fake one. Times in milliseconds. */
export interface Clock {
  /** Monotonic time (performance.now() for the real clock). */
  now(): number;
  /** Resolves after about `ms` (timers in Deno fire ~1–3 ms late). */
  sleep(ms: number): Promise<void>;
  /**
   * Runs `fn` after one macrotask turn, so I/O callbacks run first; when `blockMs` > 0, first
   * blocks the thread that long (precise to ~0.1 ms, and no CPU is used, unlike a run of bare
   * turns, but I/O that completes meanwhile waits). A callback rather than a promise: the
   * engine takes tens of thousands of turns a second, and a promise each is garbage.
   */
  nextTurn(fn: () => void, blockMs?: number): void;
}

const futex = new Int32Array(new SharedArrayBuffer(4));

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  nextTurn: (fn, blockMs = 0) => {
    if (blockMs > 0) Atomics.wait(futex, 0, 0, blockMs);
    setImmediate(fn);
  },
};
