import type { SecondPoint } from "../result/run_result.ts";
import { EventLoopLagMonitor } from "../metrics/event_loop_lag.ts";
import { type Histogram, initHistograms } from "../metrics/histogram.ts";
import type { LoadObserver } from "../metrics/load_observer.ts";
import { LoadRecorder } from "../metrics/load_recorder.ts";
import { classifyError } from "./classify_error.ts";
import { buildOutcome, mergePhases, type ShardResult } from "./load_outcome.ts";
import { type Clock, realClock } from "./clock.ts";
import { FifoQueue } from "./fifo_queue.ts";
import type { Execute, LoadOutcome, LoadSpec, RequestFactory, SkipArrival } from "./load_spec.ts";
import { type Arrival, type Shard, StreamState, type StreamTotals } from "./stream_state.ts";
import { type TimeoutGroup, TimeoutGroups } from "./timeout_groups.ts";

// Part of runShard's options and of onSecond's arguments.
export type { Shard, StreamTotals };

/** After Ctrl-C, how long in-flight requests may still finish before they are abandoned. */
export const INTERRUPT_GRACE_MS = 2000;

/**
 * Deno's timers fire ~1–3 ms late (p50 ~1.2 ms), so the loop sleeps on a timer only until this
 * close to the next arrival. Closer than that it yields one macrotask at a time (setImmediate),
 * which lets I/O callbacks run and wakes within microseconds, but keeps a core busy; so while no
 * request is in flight (no I/O to miss) it blocks instead, in short Atomics.wait slices (~0.1 ms
 * precise, no CPU), until BLOCK_MARGIN_MS before the arrival.
 */
export const SPIN_WINDOW_MS = 2;

/** Longest blocking wait inside the spin window (its overshoot is ~0.1 ms more). */
export const BLOCK_SLICE_MS = 0.5;

/** Closer than this to the next arrival the loop never blocks, it only yields. */
export const BLOCK_MARGIN_MS = 0.25;

/**
 * A shard passes another shard's arrival to `skip` when it wakes for its own next arrival, or
 * this long after the other's intended time, whichever is first: at high rates a shard then
 * wakes for its own arrivals only (a worker woken for every arrival of every worker kept a core
 * busy), while a stateful plan still sees every arrival in order and at most this late.
 */
export const SKIP_SLACK_MS = 1;

/** Longest single sleep, so an interrupt or a timeout is noticed promptly at low rates. */
const MAX_SLEEP_MS = 20;

/**
 * Requests sent within this many ms of each other share one AbortSignal (an AbortController and
 * its listeners per request cost more than the rest of the engine's bookkeeping). It fires once
 * the last of them has been in flight timeoutMs, so a request's signal fires at most this much
 * after its own timeout; the request counts as a timeout at exactly timeoutMs all the same.
 */
export const TIMEOUT_GROUP_MS = 1;

export interface RunLoadOptions {
  /** Ctrl-C: stop scheduling, wait ≤ INTERRUPT_GRACE_MS for in-flight, mark interrupted. */
  signal?: AbortSignal;
  /** Called when a second of the run closes, with that second's point and every stream's totals. */
  onSecond?: (point: SecondPoint, streams: StreamTotals[]) => void;
  /** Time source (tests use a fake one). */
  clock?: Clock;
  /** Sees every arrival and outcome as it happens (the live /metrics exporter). */
  observer?: LoadObserver;
}

/**
 * Runs an open-model load: every stream's arrivals follow its rate profile whatever the server
 * does. Latency is completion − intended time; service time is completion − actual send; schedule
 * lag is dispatch − intended time. When a stream's in-flight limit is reached, `overflow` queues
 * the arrival (latency still from its intended time; it times out unsent once it has waited
 * timeoutMs) or drops it (counted, never sent). Every request gets an AbortSignal that fires after
 * timeoutMs (≤ TIMEOUT_GROUP_MS later), and counts as class "timeout" at timeoutMs even if
 * `execute` ignores the signal.
 */
export async function runLoad<R>(
  spec: LoadSpec,
  factory: RequestFactory<R>,
  execute: Execute<R>,
  options: RunLoadOptions = {},
): Promise<LoadOutcome> {
  const onSecond = options.onSecond;
  const { result, perSecond } = await runShard(spec, factory, execute, {
    signal: options.signal,
    clock: options.clock,
    observer: options.observer,
    onSecond: onSecond && ((point, _latency, streams) => onSecond(point, streams)),
  });
  return buildOutcome([result], perSecond, mergePhases(spec.streams.map((s) => s.profile.phases)));
}

export interface ShardOptions {
  signal?: AbortSignal;
  clock?: Clock;
  /** Send only this shard's arrivals; each stream's in-flight limit is split evenly. */
  shard?: Shard;
  /** Start of the load on `clock` (ms), so that shards share one time origin; default now. */
  startAtMs?: number;
  /**
   * Called for every other shard's arrival in place of the factory: a factory that keeps state
   * between calls, like RequestPlan, then builds this shard's arrivals as a single run would.
   */
  skip?: SkipArrival;
  /**
   * A second closed: its point, its latency histogram, stream totals and the histograms of its
   * qualified operations (histograms valid during the call only).
   */
  onSecond?: (
    point: SecondPoint,
    latency: Histogram,
    streams: StreamTotals[],
    byOperation: ReadonlyMap<string, Histogram>,
  ) => void;
  observer?: LoadObserver;
}

/** runLoad's measuring core, also run by each worker of runLoadInWorkers. */
export async function runShard<R>(
  spec: LoadSpec,
  factory: RequestFactory<R>,
  execute: Execute<R>,
  options: ShardOptions = {},
): Promise<{ result: ShardResult; perSecond: SecondPoint[] }> {
  await initHistograms();
  const run = new ShardRun(spec, factory, execute, options);
  await run.start();
  await run.schedule();
  await run.drain();
  return run.finish();
}

/** A request this shard sent, until it completes or times out. */
interface InFlight<R> {
  arrival: Arrival<R>;
  state: StreamState<R>;
  group: TimeoutGroup;
  sentMs: number;
  settled: boolean;
}

/**
 * One shard's load, in four steps: start (at the shared time origin), schedule (send every
 * arrival as it falls due), drain (let what is in flight finish), finish (hand over what was
 * recorded). Arrivals are dispatched (sent, queued or dropped), requests settle (complete or
 * time out) and free room for queued ones; the engine emits each event once to its LoadRecorder.
 */
class ShardRun<R> {
  readonly #spec: LoadSpec;
  readonly #factory: RequestFactory<R>;
  readonly #execute: Execute<R>;
  readonly #options: ShardOptions;
  readonly #clock: Clock;
  readonly #states: StreamState<R>[];
  readonly #recorder: LoadRecorder;
  /**
   * Event-loop lag is real time's: a run on a test's virtual clock has none to judge (the
   * machine's pauses would otherwise decide whether a virtual run's generator kept up).
   */
  readonly #loopLag: EventLoopLagMonitor | null;
  /** In-flight requests in send order; they share one timeout, so they expire in this order too. */
  readonly #inFlight = new FifoQueue<InFlight<R>>();
  readonly #groups: TimeoutGroups;
  /** Start of the load on the clock (ms), and as a date. */
  #t0 = 0;
  #startTime = new Date();
  /**
   * When the loop must next act: the earliest intended time of this shard's arrivals not yet
   * sent, or another shard's arrival's skip deadline (Infinity once none is left).
   */
  #nextDueMs = -Infinity;
  /** When scheduling ended (ms since the start): the load's duration, or the interrupt. */
  #loadEndMs = 0;
  /** Set after the drain: completions of what still runs are no longer counted. */
  #abandoned = false;

  constructor(
    spec: LoadSpec,
    factory: RequestFactory<R>,
    execute: Execute<R>,
    options: ShardOptions,
  ) {
    this.#spec = spec;
    this.#factory = factory;
    this.#execute = execute;
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#loopLag = this.#clock === realClock ? new EventLoopLagMonitor().start() : null;
    const shard = options.shard ?? { index: 0, count: 1 };
    this.#states = spec.streams.map((_, i) => new StreamState<R>(spec, i, shard));
    this.#recorder = new LoadRecorder((point, latency, byOperation) => {
      options.onSecond?.(point, latency, this.#states.map(totalsOf), byOperation);
    }, options.observer);
    this.#groups = new TimeoutGroups(spec.timeoutMs, TIMEOUT_GROUP_MS);
  }

  /** Waits for the shared time origin (default now). */
  async start(): Promise<void> {
    const clock = this.#clock;
    const t0 = this.#t0 = this.#options.startAtMs ?? clock.now();
    while (clock.now() < t0) await clock.sleep(t0 - clock.now());
    this.#startTime = new Date();
  }

  /**
   * The scheduling loop: send everything due, then sleep (far) or take a turn (near) until the
   * next. One clock read per pass, and one more after each send (a send takes µs). Passes are
   * callbacks, not awaits: near the next arrival there are tens of thousands a second, and an
   * awaited pass allocated ~790 B against ~480 B for node:timers' setImmediate alone.
   */
  async schedule(): Promise<void> {
    const clock = this.#clock;
    await new Promise<void>((done, fail) => {
      const pass = () => {
        try {
          if (this.#interrupted()) return done();
          let now = this.#elapsed();
          this.#sweep(now);
          now = this.#sendDue(now);
          // Only now is every arrival intended before `now` counted, so its second may close.
          this.#recorder.advance(now);
          if (this.#nextDueMs === Infinity) return done();
          let idle = true;
          for (const state of this.#states) if (state.totals.inFlight > 0) idle = false;
          const wait = this.#nextDueMs - now;
          if (wait > SPIN_WINDOW_MS) {
            clock.sleep(Math.min(MAX_SLEEP_MS, wait - SPIN_WINDOW_MS)).then(pass);
          } else {
            clock.nextTurn(pass, idle ? Math.min(BLOCK_SLICE_MS, wait - BLOCK_MARGIN_MS) : 0);
          }
        } catch (error) {
          fail(error);
        }
      };
      pass();
    });
    this.#nextDueMs = Infinity;
    this.#loadEndMs = this.#interrupted() ? this.#elapsed() : this.#spec.durationS * 1000;
  }

  /**
   * Every request either completes or times out; queued ones are sent or expire. After Ctrl-C
   * the queues are emptied and what is in flight gets INTERRUPT_GRACE_MS, then is abandoned.
   */
  async drain(): Promise<void> {
    const states = this.#states;
    const graceEnd = this.#elapsed() + INTERRUPT_GRACE_MS;
    while (states.some((s) => s.totals.inFlight > 0 || s.queue.length > 0)) {
      if (this.#interrupted()) {
        for (const s of states) {
          s.totals.queued -= s.queue.length;
          s.queue.clear();
        }
        if (this.#elapsed() >= graceEnd) break;
      }
      const now = this.#elapsed();
      this.#recorder.advance(now);
      this.#sweep(now);
      await this.#clock.sleep(1);
    }
    this.#abandoned = states.some((s) => s.totals.inFlight > 0);
    // What still runs was abandoned, or timed out in a group whose last member has not yet.
    this.#groups.abortRunning(
      this.#abandoned
        ? new DOMException("run interrupted", "AbortError")
        : new DOMException("request timed out", "TimeoutError"),
    );
  }

  /** What the shard measured, as mergeable data. */
  finish(): { result: ShardResult; perSecond: SecondPoint[] } {
    const recorded = this.#recorder.finish(this.#elapsed());
    const endTime = new Date();
    const result: ShardResult = {
      startTime: this.#startTime.toISOString(),
      endTime: endTime.toISOString(),
      loadEndMs: this.#loadEndMs,
      interrupted: this.#interrupted(),
      cells: recorded.cells,
      scheduleLagUs: recorded.scheduleLagUs,
      sends: recorded.sends,
      lateSends: recorded.lateSends,
      eventLoopLagP99Ms: this.#loopLag?.p99Ms() ?? 0,
    };
    this.#loopLag?.stop();
    return { result, perSecond: recorded.perSecond };
  }

  /**
   * Sends every arrival due by `now` (after passing the other shards' arrivals before it to
   * `skip`, in order); returns the clock after the last send.
   */
  #sendDue(now: number): number {
    const skip = this.#options.skip;
    let next = Infinity;
    for (const state of this.#states) {
      for (;;) {
        const own = state.nextMs !== null && state.nextMs <= now;
        for (let o = state.others.peek(); o; o = state.others.peek()) {
          if (!own && o.ms + SKIP_SLACK_MS > now) break;
          state.others.shift();
          skip?.(state.stream, o.index, o.ms / 1000);
        }
        if (!own) break;
        this.#dispatch(state, state.index, state.nextMs!);
        state.advance();
        now = this.#elapsed();
      }
      if (state.nextMs !== null && state.nextMs < next) next = state.nextMs;
      const other = state.others.peek();
      if (other && other.ms + SKIP_SLACK_MS < next) next = other.ms + SKIP_SLACK_MS;
    }
    this.#nextDueMs = next;
    return now;
  }

  /** Sends (or queues, or drops) this shard's arrival `index` of the stream. */
  #dispatch(state: StreamState<R>, index: number, intendedMs: number): void {
    const { label, request } = this.#factory(state.stream, index, intendedMs / 1000);
    const arrival: Arrival<R> = { label, request, phase: state.phaseOf(intendedMs), intendedMs };
    state.totals.scheduled++;
    const now = this.#elapsed();
    this.#recorder.offered(label, arrival.phase, intendedMs, now);
    if (state.totals.inFlight < state.maxInFlight && state.queue.length === 0) {
      this.#send(state, arrival, now);
    } else if (this.#spec.overflow === "drop") {
      this.#recorder.dropped(label, arrival.phase, intendedMs);
      state.totals.dropped++;
    } else {
      state.queue.push(arrival);
      state.totals.queued++;
    }
  }

  /** Sends `arrival` now; `nowMs` is elapsed() taken just before. */
  #send(state: StreamState<R>, arrival: Arrival<R>, nowMs: number): void {
    state.totals.inFlight++;
    this.#recorder.sent(arrival.label);
    const group = this.#groups.join(nowMs);
    const f: InFlight<R> = { arrival, state, group, sentMs: nowMs, settled: false };
    this.#inFlight.push(f);
    let promise: Promise<void>;
    try {
      promise = this.#execute(arrival.request, group.controller.signal);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(() => this.#executed(f, null), (error) => this.#executed(f, error));
  }

  #executed(f: InFlight<R>, error: unknown): void {
    f.group.running--;
    this.#complete(f, error, false);
  }

  /** A sent request finished (or timed out): counted once, and its stream may send more. */
  #complete(f: InFlight<R>, error: unknown, timedOut: boolean): void {
    if (f.settled || this.#abandoned) return;
    f.settled = true;
    const now = this.#elapsed();
    const errorClass = timedOut ? "timeout" : error === null ? null : classifyError(error);
    this.#settle(f.state, f.arrival, errorClass, now, now - f.sentMs);
    this.#pump(f.state);
    // Completions can keep the loop from its next pass for a while; send what fell due meanwhile.
    if (now >= this.#nextDueMs && !this.#interrupted()) this.#sendDue(now);
  }

  /** Counts an arrival's outcome; `serviceMs` is null when it was never sent. */
  #settle(
    state: StreamState<R>,
    arrival: Arrival<R>,
    errorClass: string | null,
    now: number,
    serviceMs: number | null,
  ): void {
    this.#recorder.completed(
      arrival.label,
      arrival.phase,
      errorClass,
      arrival.intendedMs,
      now,
      serviceMs,
    );
    if (serviceMs !== null) state.totals.inFlight--;
    if (errorClass === null) state.totals.successful++;
    else state.totals.failed++;
  }

  /** Starts queued arrivals while the stream has room; expired ones time out unsent. */
  #pump(state: StreamState<R>): void {
    const max = state.maxInFlight;
    while (state.totals.inFlight < max && state.queue.length > 0) {
      const arrival = state.queue.shift()!;
      state.totals.queued--;
      const now = this.#elapsed();
      if (now - arrival.intendedMs >= this.#spec.timeoutMs) {
        this.#settle(state, arrival, "timeout", now, null);
      } else this.#send(state, arrival, now);
    }
  }

  /** Counts as timeouts the requests in flight for timeoutMs or longer, and aborts them. */
  #sweep(now: number): void {
    const inFlight = this.#inFlight;
    for (let f = inFlight.peek(); f; f = inFlight.peek()) {
      if (!f.settled && now - f.sentMs < this.#spec.timeoutMs) break;
      inFlight.shift();
      if (!f.settled) this.#complete(f, null, true);
    }
    this.#groups.expire(now);
  }

  #elapsed(): number {
    return this.#clock.now() - this.#t0;
  }

  #interrupted(): boolean {
    return this.#options.signal?.aborted === true;
  }
}

function totalsOf<R>(state: StreamState<R>): StreamTotals {
  return { ...state.totals };
}
