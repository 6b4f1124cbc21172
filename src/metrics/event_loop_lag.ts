import { type Histogram, newHistogram, recordMs } from "./histogram.ts";

/** How often the monitor asks for a timer; lag = how late it fires. */
export const EVENT_LOOP_PROBE_MS = 20;

/**
 * Measures event-loop lag: a timer asks to fire every EVENT_LOOP_PROBE_MS and records how late
 * it was. A busy generator (long synchronous work, CPU starvation) shows as large lag.
 */
export class EventLoopLagMonitor {
  // A plain JS histogram: a few probes a second, and usable before WebAssembly is loaded.
  readonly histogram: Histogram = newHistogram(false);
  #windowMax = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expected = 0;

  start(): this {
    this.#expected = performance.now() + EVENT_LOOP_PROBE_MS;
    this.#timer = setTimeout(() => this.#tick(), EVENT_LOOP_PROBE_MS);
    return this;
  }

  #tick(): void {
    const now = performance.now();
    const lag = Math.max(0, now - this.#expected);
    this.#windowMax = Math.max(this.#windowMax, lag);
    recordMs(this.histogram, lag);
    this.#expected = now + EVENT_LOOP_PROBE_MS;
    this.#timer = setTimeout(() => this.#tick(), EVENT_LOOP_PROBE_MS);
  }

  /** Largest lag (ms) since the previous call. */
  takeWindowMaxMs(): number {
    const max = this.#windowMax;
    this.#windowMax = 0;
    return max;
  }

  /** p99 lag so far, in ms (0 before the first probe). */
  p99Ms(): number {
    return this.histogram.totalCount === 0 ? 0 : this.histogram.getValueAtPercentile(99) / 1000;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.histogram.destroy();
  }
}
