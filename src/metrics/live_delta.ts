import type { LoadObserver } from "./load_observer.ts";
import type { TrafficLabel } from "./traffic_label.ts";
import {
  LAG_BUCKETS_S,
  LATENCY_BUCKETS_S,
  PromHistogram,
  type PromHistogramData,
} from "./prometheus_histogram.ts";
import { TrafficCells } from "./traffic_cells.ts";

/** One operation × tenant × phase cell's counts since the previous delta. */
export interface LiveDeltaCell {
  operation: string;
  tenant: string;
  phase: string;
  offered: number;
  requests: number;
  dropped: number;
  errors: Record<string, number>;
  latency: PromHistogramData;
}

/**
 * What a load worker's engine saw since its previous delta, as plain data for postMessage; the
 * main thread adds it into its LiveRun (LiveRun.absorb), so /metrics shows every worker's
 * requests merged.
 */
export interface LiveDelta {
  cells: LiveDeltaCell[];
  /** Change of the requests in flight, per tenant. */
  inFlight: Record<string, number>;
  scheduleLag: PromHistogramData;
  /** The phase of the latest arrival ("" when none arrived). */
  phase: string;
}

interface Cell {
  offered: number;
  requests: number;
  dropped: number;
  errors: Record<string, number>;
  latency: PromHistogram;
  operation: string;
  tenant: string;
  phase: string;
}

/**
 * The LoadObserver of a `run --workers N` worker: counts as LiveRun does (O(1) per request, no
 * rendering), and `take` hands over what was counted since the last call and starts over.
 */
export class LiveDeltaRecorder implements LoadObserver {
  #cells = this.#newCells();
  #inFlight = new Map<string, number>();
  #lag = new PromHistogram(LAG_BUCKETS_S);
  #phase = "";

  #newCells(): TrafficCells<Cell> {
    return new TrafficCells<Cell>((label, phase) => ({
      operation: label.operation,
      tenant: label.tenant,
      phase,
      offered: 0,
      requests: 0,
      dropped: 0,
      errors: {},
      latency: new PromHistogram(LATENCY_BUCKETS_S),
    }));
  }

  offered(label: TrafficLabel, phase: string, lagMs: number): void {
    this.#cells.get(label, phase).offered++;
    this.#lag.recordMs(Math.max(0, lagMs));
    this.#phase = phase;
  }

  sent(label: TrafficLabel): void {
    this.#inFlight.set(label.tenant, (this.#inFlight.get(label.tenant) ?? 0) + 1);
  }

  completed(
    label: TrafficLabel,
    phase: string,
    errorClass: string | null,
    latencyMs: number,
    wasSent: boolean,
  ): void {
    const cell = this.#cells.get(label, phase);
    cell.requests++;
    cell.latency.recordMs(latencyMs);
    if (errorClass !== null) cell.errors[errorClass] = (cell.errors[errorClass] ?? 0) + 1;
    if (wasSent) this.#inFlight.set(label.tenant, (this.#inFlight.get(label.tenant) ?? 0) - 1);
  }

  dropped(label: TrafficLabel, phase: string): void {
    const cell = this.#cells.get(label, phase);
    cell.requests++;
    cell.dropped++;
  }

  /** The main thread closes seconds from every worker's merged series. */
  second(): void {}

  /** What was counted since the last call. */
  take(): LiveDelta {
    const delta: LiveDelta = {
      cells: this.#cells.all.map((c) => ({ ...c, latency: c.latency.data() })),
      inFlight: Object.fromEntries(this.#inFlight),
      scheduleLag: this.#lag.data(),
      phase: this.#phase,
    };
    this.#cells = this.#newCells();
    this.#inFlight.clear();
    this.#lag = new PromHistogram(LAG_BUCKETS_S);
    return delta;
  }
}
