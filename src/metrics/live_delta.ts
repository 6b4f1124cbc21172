import type { TrafficLabel } from "./traffic_label.ts";
import {
  LATENCY_BUCKETS_S,
  PromHistogram,
  type PromHistogramData,
} from "./prometheus_histogram.ts";
import { type LiveCellCounts, LiveTally } from "./live_tally.ts";

/** One operation × tenant × phase cell's counts since the previous delta. */
export interface LiveDeltaCell extends Omit<LiveCellCounts, "latency"> {
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

/**
 * The LoadObserver of a `run --workers N` worker: counts as LiveRun does (O(1) per request, no
 * rendering), and `take` hands over what was counted since the last call and starts over.
 */
export class LiveDeltaRecorder extends LiveTally<LiveCellCounts> {
  protected newCell(label: TrafficLabel, phase: string): LiveCellCounts {
    return {
      operation: label.operation,
      tenant: label.tenant,
      phase,
      offered: 0,
      requests: 0,
      dropped: 0,
      errors: {},
      latency: new PromHistogram(LATENCY_BUCKETS_S),
    };
  }

  /** What was counted since the last call. */
  take(): LiveDelta {
    const delta: LiveDelta = {
      cells: this.cells.map((c) => ({ ...c, latency: c.latency.data() })),
      inFlight: Object.fromEntries(this.inFlight),
      scheduleLag: this.scheduleLag.data(),
      phase: this.phase,
    };
    this.clearCells();
    this.inFlight.clear();
    this.scheduleLag.reset();
    return delta;
  }
}
