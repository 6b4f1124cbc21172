import type { SecondPoint } from "../result/run_result.ts";
import { LATE_SEND_MS } from "./generator_check.ts";
import { encodeHistogram, newHistogram, recordMs } from "./histogram.ts";
import type { LoadObserver } from "./load_observer.ts";
import { type SecondClosed, SecondSeries } from "./second_series.ts";
import type { TrafficLabel } from "./traffic_label.ts";
import { type CellSnapshot, TrafficRecorder } from "./traffic_recorder.ts";

/** What a LoadRecorder measured of one engine run, as plain mergeable data. */
export interface RecordedLoad {
  cells: CellSnapshot[];
  /** Schedule lag histogram (µs), encoded. */
  scheduleLagUs: string;
  sends: number;
  lateSends: number;
  perSecond: SecondPoint[];
}

/**
 * Consumes what the engine emits (Vegeta's attacker → Metrics): each arrival, send, completion
 * and drop once, with the engine's clock (ms since the load began). It keeps the traffic cells,
 * the schedule lag and the per-second series, and passes every event on to the live observer.
 * Called on the request path: every method is O(1) and never awaits.
 */
export class LoadRecorder {
  readonly #traffic = new TrafficRecorder();
  readonly #scheduleLag = newHistogram();
  readonly #series: SecondSeries;
  readonly #observer?: LoadObserver;
  #sends = 0;
  #lateSends = 0;

  /** `onSecond` (after the observer's `second`) gets each closed second and its histograms. */
  constructor(onSecond: SecondClosed, observer?: LoadObserver) {
    this.#observer = observer;
    this.#series = new SecondSeries((point, latency, byOperation) => {
      observer?.second(point, latency);
      onSecond(point, latency, byOperation);
    });
  }

  /** An arrival intended at `intendedMs` was dispatched at `nowMs`. */
  offered(label: TrafficLabel, phase: string, intendedMs: number, nowMs: number): void {
    this.#series.offered(intendedMs);
    const lagMs = nowMs - intendedMs;
    recordMs(this.#scheduleLag, lagMs);
    this.#observer?.offered(label, phase, lagMs);
    this.#sends++;
    if (lagMs > LATE_SEND_MS) this.#lateSends++;
  }

  sent(label: TrafficLabel): void {
    this.#observer?.sent(label);
  }

  /**
   * A request intended at `intendedMs` finished at `nowMs` (`errorClass` null on success);
   * `serviceMs` is null when it was never sent (it expired in the queue).
   */
  completed(
    label: TrafficLabel,
    phase: string,
    errorClass: string | null,
    intendedMs: number,
    nowMs: number,
    serviceMs: number | null,
  ): void {
    const latencyMs = nowMs - intendedMs;
    this.#traffic.complete(label, phase, errorClass, latencyMs, serviceMs);
    this.#observer?.completed(label, phase, errorClass, latencyMs, serviceMs !== null);
    this.#series.completed(nowMs, errorClass, latencyMs, label.operation);
  }

  /** The overflow policy dropped an arrival intended at `intendedMs`. */
  dropped(label: TrafficLabel, phase: string, intendedMs: number): void {
    this.#traffic.drop(label, phase);
    this.#observer?.dropped(label, phase);
    this.#series.dropped(intendedMs);
  }

  /** Closes every second that ended before `nowMs`. */
  advance(nowMs: number): void {
    this.#series.advance(nowMs);
  }

  /** The load ended at `nowMs`: closes its last seconds, returns the figures, frees histograms. */
  finish(nowMs: number): RecordedLoad {
    this.#series.advance(nowMs);
    this.#series.finish();
    const recorded: RecordedLoad = {
      cells: this.#traffic.snapshot(),
      scheduleLagUs: encodeHistogram(this.#scheduleLag),
      sends: this.#sends,
      lateSends: this.#lateSends,
      perSecond: this.#series.points,
    };
    this.#traffic.destroy();
    this.#scheduleLag.destroy();
    return recorded;
  }
}
