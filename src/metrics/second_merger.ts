import type { SecondPoint } from "../result/run_result.ts";
import { addEncoded, encodeHistogram, type Histogram, newHistogram } from "./histogram.ts";
import { emptySecond, secondLatencies, secondPercentiles } from "./second_series.ts";

/** A merged second, its shards' payloads and its latency histogram (valid during the call). */
export type MergedSecond<T> = (point: SecondPoint, parts: T[], latency: Histogram) => void;

interface Pending<T> {
  point: SecondPoint;
  latency: Histogram;
  byOperation: Map<string, Histogram>;
  parts: T[];
}

/**
 * Merges the per-second series of `partCount` parallel shards: counts are summed and each
 * second's percentiles come from the shards' latency histograms added together (never averaged).
 * A second is emitted (onMerged, in order) once every shard has closed it; finish() emits the rest.
 */
export class SecondMerger<T> {
  readonly points: SecondPoint[] = [];
  readonly #pending = new Map<number, Pending<T>>();
  readonly #partCount: number;
  readonly #onMerged?: MergedSecond<T>;

  constructor(partCount: number, onMerged?: MergedSecond<T>) {
    this.#partCount = partCount;
    this.#onMerged = onMerged;
  }

  /**
   * One shard's closed second, with its latency histogram (µs, encoded; undefined when nothing
   * completed in it), any payload and the histograms of its qualified operations (encoded, by
   * label).
   */
  add(
    point: SecondPoint,
    latencyUs: string | undefined,
    part: T,
    byOperationUs: Record<string, string> = {},
  ): void {
    let p = this.#pending.get(point.t);
    if (!p) {
      p = {
        point: emptySecond(point.t),
        latency: newHistogram(),
        byOperation: new Map(),
        parts: [],
      };
      this.#pending.set(point.t, p);
    }
    for (const [label, encoded] of Object.entries(byOperationUs)) {
      let h = p.byOperation.get(label);
      if (!h) p.byOperation.set(label, h = newHistogram());
      addEncoded(h, encoded);
    }
    const m = p.point;
    m.offered += point.offered;
    m.achieved += point.achieved;
    m.successful += point.successful;
    m.dropped += point.dropped;
    for (const [k, v] of Object.entries(point.errors)) m.errors[k] = (m.errors[k] ?? 0) + v;
    if (latencyUs !== undefined) addEncoded(p.latency, latencyUs);
    p.parts.push(part);
    if (p.parts.length === this.#partCount) this.#emitThrough(point.t);
  }

  /** Emits every second still pending (some shards may have closed fewer seconds). */
  finish(): SecondPoint[] {
    const last = Math.max(-1, ...this.#pending.keys());
    this.#emitThrough(last);
    return this.points;
  }

  #emitThrough(t: number): void {
    while (this.points.length <= t) {
      const second = this.points.length;
      const p = this.#pending.get(second);
      if (!p) {
        this.points.push(emptySecond(second));
        continue;
      }
      Object.assign(p.point, secondPercentiles(p.latency));
      if (p.latency.totalCount > 0) p.point.latency_us = encodeHistogram(p.latency);
      const byOperation = secondLatencies(p.byOperation);
      if (byOperation) p.point.by_operation = byOperation;
      this.#pending.delete(second);
      this.points.push(p.point);
      this.#onMerged?.(p.point, p.parts, p.latency);
      p.latency.destroy();
      for (const h of p.byOperation.values()) h.destroy();
    }
  }
}
