import { ArrivalSchedule } from "./arrival_schedule.ts";
import { FifoQueue } from "./fifo_queue.ts";
import type { LoadSpec, Stream, TrafficLabel } from "./load_spec.ts";

/** Which arrivals a shard (one of `count` workers) sends: those with index % count === index. */
export interface Shard {
  index: number;
  count: number;
}

/** One stream's running counts, passed to onSecond for progress and the live view. */
export interface StreamTotals {
  tenant: string;
  scheduled: number;
  successful: number;
  failed: number;
  dropped: number;
  inFlight: number;
  queued: number;
}

/** An arrival of this shard, built by the RequestFactory when it fell due. */
export interface Arrival<R> {
  label: TrafficLabel;
  request: R;
  phase: string;
  intendedMs: number;
}

/**
 * One stream as a shard runs it: where its schedule stands, the other shards' arrivals not yet
 * passed to `skip`, the arrivals queued at its in-flight limit, and its running totals.
 */
export class StreamState<R> {
  readonly stream: Stream;
  /** The stream's in-flight limit, split evenly between the shards. */
  readonly maxInFlight: number;
  /** Intended time of this shard's next arrival (null once its schedule has none left). */
  nextMs: number | null = null;
  /** Index of that arrival in the stream's whole schedule. */
  index = -1;
  /** Other shards' arrivals before it, not yet passed to `skip` (empty for a single shard). */
  readonly others = new FifoQueue<{ index: number; ms: number }>();
  readonly queue = new FifoQueue<Arrival<R>>();
  readonly totals: StreamTotals;
  readonly #schedule: ArrivalSchedule;
  readonly #shard: Shard;
  #phaseIndex = 0;

  /** Stream number `i` of `spec`, positioned at this shard's first arrival. */
  constructor(spec: LoadSpec, i: number, shard: Shard) {
    const stream = spec.streams[i];
    this.stream = stream;
    this.#shard = shard;
    this.maxInFlight = Math.max(1, Math.ceil(stream.maxInFlight / shard.count));
    this.#schedule = new ArrivalSchedule(stream.profile, spec.arrivals, spec.seed, i);
    this.totals = {
      tenant: stream.tenant,
      scheduled: 0,
      successful: 0,
      failed: 0,
      dropped: 0,
      inFlight: 0,
      queued: 0,
    };
    this.advance();
  }

  /** Moves to this shard's next arrival, queueing the other shards' ones before it. */
  advance(): void {
    for (;;) {
      const t = this.#schedule.next();
      this.index++;
      this.nextMs = t === null ? null : t * 1000;
      if (t === null || this.index % this.#shard.count === this.#shard.index) return;
      this.others.push({ index: this.index, ms: t * 1000 });
    }
  }

  /** The phase an arrival belongs to (by its intended time); "" outside every window. */
  phaseOf(intendedMs: number): string {
    const phases = this.stream.profile.phases;
    const t = intendedMs / 1000;
    // Intended times only grow within a stream, so the search resumes where it left off.
    while (this.#phaseIndex < phases.length && t >= phases[this.#phaseIndex].end_s) {
      this.#phaseIndex++;
    }
    const p = phases[this.#phaseIndex];
    return p && t >= p.start_s ? p.name : "";
  }
}
