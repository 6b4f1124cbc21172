import type { Histogram } from "./histogram.ts";
import type { SecondPoint } from "../result/run_result.ts";
import type { TrafficLabel } from "./traffic_label.ts";

/**
 * Sees every arrival and outcome of a load while it runs (the live /metrics exporter). The
 * engine's LoadRecorder passes it each event on the request path, so every method must cost O(1)
 * and never await.
 */
export interface LoadObserver {
  /** An arrival fell due (its intended time) and was dispatched `lagMs` after it. */
  offered(label: TrafficLabel, phase: string, lagMs: number): void;
  /** A request went out. */
  sent(label: TrafficLabel): void;
  /** A request finished (`errorClass` null on success); `wasSent` false if it expired queued. */
  completed(
    label: TrafficLabel,
    phase: string,
    errorClass: string | null,
    latencyMs: number,
    wasSent: boolean,
  ): void;
  /** The overflow policy dropped an arrival. */
  dropped(label: TrafficLabel, phase: string): void;
  /** A second of the load closed, with its latency histogram (valid during the call only). */
  second(point: SecondPoint, latency: Histogram): void;
}
