import { type Histogram, newHistogram, recordMs } from "./histogram.ts";

/** How often the monitor asks for a timer; lag = how late it fires. */
export const EVENT_LOOP_PROBE_MS = 20;

/**
 * Measures event-loop lag: a timer asks to fire every EVENT_LOOP_PROBE_MS and records how late
 * it was. A busy generator (long synchronous work, CPU starvation) shows as large lag.
 */
export class EventLoopLagMonitor {
  readonly histogram: Histogram = newHistogram();
  #last = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expected = 0;

  start(): this {
    this.#expected = performance.now() + EVENT_LOOP_PROBE_MS;
    this.#timer = setTimeout(() => this.#tick(), EVENT_LOOP_PROBE_MS);
    return this;
  }

  #tick(): void {
    const now = performance.now();
    this.#last = Math.max(0, now - this.#expected);
    recordMs(this.histogram, this.#last);
    this.#expected = now + EVENT_LOOP_PROBE_MS;
    this.#timer = setTimeout(() => this.#tick(), EVENT_LOOP_PROBE_MS);
  }

  /** Lag of the latest probe, in ms. */
  get latestMs(): number {
    return this.#last;
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
