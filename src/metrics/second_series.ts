import type { SecondLatency, SecondPoint } from "../result/run_result.ts";
import { encodeHistogram, type Histogram, newHistogram, recordMs } from "./histogram.ts";

/** A closed second, its latency histogram and those of its qualified operations (by label). */
export type SecondClosed = (
  point: SecondPoint,
  latency: Histogram,
  byOperation: ReadonlyMap<string, Histogram>,
) => void;

/**
 * The per-second series of a run: offered and dropped arrivals counted in the second of their
 * intended time; completions (achieved, successful, errors, latency percentiles) in the second
 * they completed. One histogram, reset every second, gives that second's percentiles; operations
 * with a qualified label (`search@hot`) get one each as well, so that a tier's latency can be
 * drawn over time. Memory is O(duration in seconds).
 */
export class SecondSeries {
  readonly points: SecondPoint[] = [];
  readonly #histogram: Histogram = newHistogram();
  /** Histograms of qualified operations (label contains "@"), reset with #histogram. */
  readonly #byOperation = new Map<string, Histogram>();
  /** The second whose completions the histogram currently holds. */
  #open = 0;
  readonly #onClose?: SecondClosed;

  /** `onClose` gets each closed second and its histograms (valid during the call only). */
  constructor(onClose?: SecondClosed) {
    this.#onClose = onClose;
  }

  #point(second: number): SecondPoint {
    while (this.points.length <= second) this.points.push(emptySecond(this.points.length));
    return this.points[second];
  }

  offered(intendedMs: number): void {
    this.#point(secondOf(intendedMs)).offered++;
  }

  dropped(intendedMs: number): void {
    this.#point(secondOf(intendedMs)).dropped++;
  }

  /**
   * A completion at `atMs`: counted in that second. Its latency goes to the open second's
   * histogram — the engine closes seconds only after sending what was due, so this is the
   * completion's own second unless the loop is late by a few ms.
   */
  completed(atMs: number, errorClass: string | null, latencyMs: number, operation = ""): void {
    const p = this.#point(Math.max(this.#open, Math.floor(atMs / 1000)));
    p.achieved++;
    if (errorClass === null) p.successful++;
    else p.errors[errorClass] = (p.errors[errorClass] ?? 0) + 1;
    recordMs(this.#histogram, latencyMs);
    if (operation.includes("@")) {
      let h = this.#byOperation.get(operation);
      if (!h) this.#byOperation.set(operation, h = newHistogram());
      recordMs(h, latencyMs);
    }
  }

  /** Closes every second that ended before `nowMs` (percentiles fixed, onClose called). */
  advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    while (this.#open < second) this.#close();
  }

  /** Closes the open second too, unless nothing happened in it (end of run). */
  finish(): void {
    if (this.#open < this.points.length || this.#histogram.totalCount > 0) this.#close();
    this.#histogram.destroy();
    for (const h of this.#byOperation.values()) h.destroy();
    this.#byOperation.clear();
  }

  #close(): void {
    const p = this.#point(this.#open);
    const h = this.#histogram;
    Object.assign(p, secondPercentiles(h));
    if (h.totalCount > 0) p.latency_us = encodeHistogram(h);
    const byOperation = secondLatencies(this.#byOperation);
    if (byOperation) p.by_operation = byOperation;
    this.#open++;
    this.#onClose?.(p, h, this.#byOperation);
    h.reset();
    for (const o of this.#byOperation.values()) o.reset();
  }
}

/** Intended times k/rate computed in floating point can land a hair before a second's start. */
const SECOND_EPSILON_MS = 1e-6;

function secondOf(ms: number): number {
  return Math.floor((ms + SECOND_EPSILON_MS) / 1000);
}

/** Second `t` with nothing offered, completed or dropped. */
export function emptySecond(t: number): SecondPoint {
  return {
    t,
    offered: 0,
    achieved: 0,
    successful: 0,
    dropped: 0,
    errors: {},
    p50: null,
    p95: null,
    p99: null,
  };
}

/** SecondPoint.by_operation of these histograms: labels in order, empty ones left out. */
export function secondLatencies(
  byOperation: ReadonlyMap<string, Histogram>,
): Record<string, SecondLatency> | null {
  const out: Record<string, SecondLatency> = {};
  for (const label of [...byOperation.keys()].sort()) {
    const h = byOperation.get(label)!;
    if (h.totalCount === 0) continue;
    const { p50, p95 } = secondPercentiles(h);
    out[label] = { count: h.totalCount, p50: p50!, p95: p95! };
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** p50/p95/p99 (ms) of one second's latency histogram; null when nothing completed. */
export function secondPercentiles(h: Histogram): Pick<SecondPoint, "p50" | "p95" | "p99"> {
  if (h.totalCount === 0) return { p50: null, p95: null, p99: null };
  return {
    p50: h.getValueAtPercentile(50) / 1000,
    p95: h.getValueAtPercentile(95) / 1000,
    p99: h.getValueAtPercentile(99) / 1000,
  };
}
