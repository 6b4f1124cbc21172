import type { TrafficLabel } from "./traffic_label.ts";
import type { ResourcePoint, SecondPoint } from "../result/run_result.ts";
import { type Histogram, newHistogram } from "./histogram.ts";
import { LATENCY_BUCKETS_S, PromHistogram } from "./prometheus_histogram.ts";
import { labelText } from "./prometheus_exposition.ts";
import type { PromSample } from "./prometheus_text.ts";
import type { LiveDelta } from "./live_delta.ts";
import { type LiveCellCounts, LiveTally } from "./live_tally.ts";

/**
 * Every class a failed request can have (the targets' ErrorClass; a test keeps the two equal);
 * each cell's error counters start at 0 for all.
 */
export const ERROR_CLASSES = [
  "connection",
  "http_4xx",
  "http_5xx",
  "invalid_response",
  "timeout",
] as const;

/** What a live run is labelled with and judged against. */
export interface LiveRunInfo {
  scenario: string;
  target: string;
  profile: string;
  seed: number;
  durationS: number;
  /** The scenario's latency criteria (`p95{phase=hold} < 100ms`), exported as limits. */
  latencyLimits: LatencyLimit[];
}

export interface LatencyLimit {
  quantile: number;
  operation: string;
  tenant: string;
  phase: string;
  seconds: number;
}

/** Counters and the latency histogram of one operation × tenant × phase. */
export interface LiveCell extends LiveCellCounts {
  /** The cell's labels (scenario, target, operation, tenant, phase), formatted once. */
  labels: string;
}

/** Mean recall@k over `samples` measured searches. */
export interface LiveRecallFigure {
  k: number;
  value: number;
  samples: number;
}

/** The status line's view of the load in progress (counts since this run's load began). */
export interface LiveStatus {
  scenario: string;
  target: string;
  /** Whole seconds of load closed so far, and the planned duration. */
  elapsedS: number;
  durationS: number;
  phase: string;
  offered: number;
  requests: number;
  dropped: number;
  errors: number;
  /** P95 (ms) of every request so far, exact (HDR); null before the first second closed. */
  p95Ms: number | null;
  /** Offered and achieved (completed) requests of the last RECENT_SECONDS closed seconds. */
  recent: { seconds: number; offered: number; achieved: number };
  /** Recall so far (scored during the load); null before the first measured search is. */
  recall: LiveRecallFigure | null;
  running: boolean;
}

/** How many closed seconds the status line's rates are taken over. */
export const RECENT_SECONDS = 10;

/**
 * The live figures of one scenario on one target: Prometheus counters that keep counting over
 * repeats of the run, gauges of the latest state, and the status line's totals. Recording is a
 * few map lookups and additions per request; nothing is rendered here.
 */
export class LiveRun extends LiveTally<LiveCell> {
  info: LiveRunInfo;
  resources: ResourcePoint | null = null;
  targetGauges: PromSample[] = [];
  /** Recall@k of the measured searches scored so far (during the load), then the final one. */
  recall: LiveRecallFigure | null = null;
  #status!: LiveStatus;
  #latency: Histogram | null = null;
  #recent: SecondPoint[] = [];

  constructor(info: LiveRunInfo) {
    super();
    this.info = info;
    this.restart(info);
  }

  protected newCell(label: TrafficLabel, phase: string): LiveCell {
    return {
      operation: label.operation,
      tenant: label.tenant,
      phase,
      offered: 0,
      requests: 0,
      dropped: 0,
      errors: Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0])),
      latency: new PromHistogram(LATENCY_BUCKETS_S),
      labels: labelText({
        scenario: this.info.scenario,
        target: this.info.target,
        operation: label.operation,
        tenant: label.tenant,
        phase,
      }),
    };
  }

  /** A new run (a repeat) of the same scenario and target: gauges and status start over. */
  restart(info: LiveRunInfo): void {
    this.info = info;
    this.inFlight.clear();
    this.phase = "";
    this.resources = null;
    this.targetGauges = [];
    this.recall = null;
    this.#latency?.destroy();
    this.#latency = null;
    this.#recent = [];
    this.#status = {
      scenario: info.scenario,
      target: info.target,
      elapsedS: 0,
      durationS: info.durationS,
      phase: "",
      offered: 0,
      requests: 0,
      dropped: 0,
      errors: 0,
      p95Ms: null,
      recent: { seconds: 0, offered: 0, achieved: 0 },
      recall: null,
      running: true,
    };
  }

  override offered(label: TrafficLabel, phase: string, lagMs: number): void {
    super.offered(label, phase, lagMs);
    this.#status.offered++;
  }

  override completed(
    label: TrafficLabel,
    phase: string,
    errorClass: string | null,
    latencyMs: number,
    wasSent: boolean,
  ): void {
    super.completed(label, phase, errorClass, latencyMs, wasSent);
    this.#status.requests++;
    if (errorClass !== null) this.#status.errors++;
  }

  override dropped(label: TrafficLabel, phase: string): void {
    super.dropped(label, phase);
    this.#status.requests++;
    this.#status.dropped++;
  }

  /** A load worker's counts since its previous delta (`run --workers N`). */
  absorb(delta: LiveDelta): void {
    for (const d of delta.cells) {
      const cell = this.cell(d, d.phase);
      cell.offered += d.offered;
      cell.requests += d.requests;
      cell.dropped += d.dropped;
      cell.latency.add(d.latency);
      this.#status.offered += d.offered;
      this.#status.requests += d.requests;
      this.#status.dropped += d.dropped;
      for (const cls in d.errors) {
        cell.errors[cls] = (cell.errors[cls] ?? 0) + d.errors[cls];
        this.#status.errors += d.errors[cls];
      }
    }
    for (const tenant in delta.inFlight) {
      this.inFlight.set(tenant, (this.inFlight.get(tenant) ?? 0) + delta.inFlight[tenant]);
    }
    this.scheduleLag.add(delta.scheduleLag);
    if (delta.phase !== "") this.phase = delta.phase;
  }

  override second(point: SecondPoint, latency: Histogram): void {
    this.#status.elapsedS = point.t + 1;
    this.#recent.push(point);
    if (this.#recent.length > RECENT_SECONDS) this.#recent.shift();
    this.#status.recent = {
      seconds: this.#recent.length,
      offered: this.#recent.reduce((n, p) => n + p.offered, 0),
      achieved: this.#recent.reduce((n, p) => n + p.achieved, 0),
    };
    this.#latency ??= newHistogram();
    this.#latency.add(latency);
    if (this.#latency.totalCount > 0) {
      this.#status.p95Ms = this.#latency.getValueAtPercentile(95) / 1000;
    }
  }

  /** The load is over: nothing is in flight any more; the status line stops showing it. */
  end(): void {
    for (const tenant of this.inFlight.keys()) this.inFlight.set(tenant, 0);
    this.#status.running = false;
    this.#latency?.destroy();
    this.#latency = null;
  }

  status(): LiveStatus {
    return { ...this.#status, phase: this.phase, recall: this.recall };
  }
}
