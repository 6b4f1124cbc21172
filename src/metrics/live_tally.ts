import { LAG_BUCKETS_S, PromHistogram } from "./prometheus_histogram.ts";
import type { LoadObserver } from "./load_observer.ts";
import type { SecondPoint } from "../result/run_result.ts";
import type { Histogram } from "./histogram.ts";
import { TrafficCells } from "./traffic_cells.ts";
import type { TrafficLabel } from "./traffic_label.ts";

/** Counters and the latency histogram of one operation × tenant × phase, as /metrics has them. */
export interface LiveCellCounts {
  operation: string;
  tenant: string;
  phase: string;
  offered: number;
  /** Finished: succeeded, failed or dropped (RunResult's total_requests counts the same). */
  requests: number;
  dropped: number;
  errors: Record<string, number>;
  latency: PromHistogram;
}

/**
 * The live counting of a load, O(1) per request and nothing rendered: cells, requests in flight
 * per tenant, schedule lag and the latest arrival's phase. LiveRun keeps them for /metrics in
 * this process; a load worker's LiveDeltaRecorder hands them over to it in deltas.
 */
export abstract class LiveTally<C extends LiveCellCounts> implements LoadObserver {
  readonly inFlight: Map<string, number> = new Map();
  readonly scheduleLag: PromHistogram = new PromHistogram(LAG_BUCKETS_S);
  /** The phase of the latest arrival ("" before the first). */
  phase = "";
  readonly #cells = new TrafficCells<C>((label, phase) => this.newCell(label, phase));

  /** A cell with every count at 0. */
  protected abstract newCell(label: TrafficLabel, phase: string): C;

  /** Every operation × tenant × phase cell, in creation order. */
  get cells(): readonly C[] {
    return this.#cells.all;
  }

  offered(label: TrafficLabel, phase: string, lagMs: number): void {
    this.#cells.get(label, phase).offered++;
    this.scheduleLag.recordMs(Math.max(0, lagMs));
    this.phase = phase;
  }

  sent(label: TrafficLabel): void {
    this.inFlight.set(label.tenant, (this.inFlight.get(label.tenant) ?? 0) + 1);
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
    if (wasSent) this.inFlight.set(label.tenant, (this.inFlight.get(label.tenant) ?? 0) - 1);
  }

  dropped(label: TrafficLabel, phase: string): void {
    const cell = this.#cells.get(label, phase);
    cell.requests++;
    cell.dropped++;
  }

  /** Seconds are closed by whoever owns the whole load's series. */
  second(_point: SecondPoint, _latency: Histogram): void {}

  /** The cell of `label` in `phase`, made on first use. */
  protected cell(label: TrafficLabel, phase: string): C {
    return this.#cells.get(label, phase);
  }

  /** Starts the cells over (the in-flight counts and the lag are the caller's to reset). */
  protected clearCells(): void {
    this.#cells.clear();
  }
}
