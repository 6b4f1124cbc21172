import type { Clock } from "../src/load/clock.ts";

/**
 * Virtual time for the engine: its sleeps and turns advance it, and `at(ms)` resolves once it
 * has reached `ms`; each sleep stops at every such deadline and lets what it resolved run first.
 */
export class VirtualClock implements Clock {
  t = 0;
  #waiters: { ms: number; resolve: () => void }[] = [];
  now = () => this.t;
  at(ms: number): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#waiters.push({ ms, resolve });
    return promise;
  }
  sleep = async (ms: number) => {
    const end = this.t + ms;
    for (;;) {
      const next = Math.min(...this.#waiters.map((w) => w.ms));
      if (next > end) break;
      this.#advance(Math.max(this.t, next));
      await new Promise((r) => setTimeout(r, 0)); // completions run at their own time
    }
    this.t = end;
  };
  nextTurn = (fn: () => void) => {
    this.#advance(this.t + 0.01);
    queueMicrotask(fn);
  };
  #advance(t: number) {
    this.t = t;
    const due = this.#waiters.filter((w) => w.ms <= t);
    this.#waiters = this.#waiters.filter((w) => w.ms > t);
    for (const w of due) w.resolve();
  }
}
