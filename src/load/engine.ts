import type { SecondPoint } from "../result/run_result.ts";
import { TargetError } from "../targets/target.ts";
import { EventLoopLagMonitor } from "../metrics/event_loop_lag.ts";
import { LATE_SEND_MS } from "../metrics/generator_check.ts";
import {
  encodeHistogram,
  type Histogram,
  initHistograms,
  newHistogram,
  recordMs,
} from "../metrics/histogram.ts";
import { SecondSeries } from "../metrics/second_series.ts";
import { TrafficRecorder } from "../metrics/traffic_recorder.ts";
import { buildOutcome, mergePhases, type ShardResult } from "./load_outcome.ts";
import { ArrivalSchedule } from "./arrival_schedule.ts";
import { type Clock, realClock } from "./clock.ts";
import { FifoQueue } from "./fifo_queue.ts";
import type { LoadObserver } from "./load_observer.ts";
import type {
  Execute,
  LoadOutcome,
  LoadSpec,
  RequestFactory,
  SkipArrival,
  Stream,
  TrafficLabel,
} from "./load_spec.ts";

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

/** Which arrivals a shard (one of `count` workers) sends: those with index % count === index. */
export interface Shard {
  index: number;
  count: number;
}

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

interface Arrival<R> {
  label: TrafficLabel;
  request: R;
  phase: string;
  intendedMs: number;
}

interface InFlight<R> {
  arrival: Arrival<R>;
  state: StreamState<R>;
  group: TimeoutGroup;
  sentMs: number;
  settled: boolean;
}

/** Requests sent within TIMEOUT_GROUP_MS, sharing one AbortController. */
interface TimeoutGroup {
  controller: AbortController;
  firstSentMs: number;
  lastSentMs: number;
  /** Members whose execute() has not settled yet (timed-out ones included). */
  running: number;
}

interface StreamState<R> {
  stream: Stream;
  maxInFlight: number;
  schedule: ArrivalSchedule;
  /** Intended time of this shard's next arrival (null once its schedule has none left). */
  nextMs: number | null;
  /** Index of that arrival in the stream's whole schedule. */
  index: number;
  /** Other shards' arrivals before it, not yet passed to `skip` (empty for a single shard). */
  others: FifoQueue<{ index: number; ms: number }>;
  phaseIndex: number;
  queue: FifoQueue<Arrival<R>>;
  totals: StreamTotals;
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
  const shard = options.shard ?? { index: 0, count: 1 };
  const clock = options.clock ?? realClock;
  const observer = options.observer;
  const recorder = new TrafficRecorder();
  const scheduleLag = newHistogram();
  const loopLag = new EventLoopLagMonitor().start();
  /** Moves `state` to this shard's next arrival, queueing the other shards' ones before it. */
  const advance = (state: StreamState<R>) => {
    for (;;) {
      const t = state.schedule.next();
      state.index++;
      state.nextMs = t === null ? null : t * 1000;
      if (t === null || state.index % shard.count === shard.index) return;
      state.others.push({ index: state.index, ms: t * 1000 });
    }
  };
  const states: StreamState<R>[] = spec.streams.map((stream, i) => {
    const state: StreamState<R> = {
      stream,
      maxInFlight: Math.max(1, Math.ceil(stream.maxInFlight / shard.count)),
      schedule: new ArrivalSchedule(stream.profile, spec.arrivals, spec.seed, i),
      nextMs: null,
      index: -1,
      others: new FifoQueue(),
      phaseIndex: 0,
      queue: new FifoQueue<Arrival<R>>(),
      totals: {
        tenant: stream.tenant,
        scheduled: 0,
        successful: 0,
        failed: 0,
        dropped: 0,
        inFlight: 0,
        queued: 0,
      },
    };
    advance(state);
    return state;
  });
  const series = new SecondSeries((point, latency, byOperation) => {
    observer?.second(point, latency);
    options.onSecond?.(point, latency, states.map(totalsOf), byOperation);
  });
  // In-flight requests in send order; they share one timeout, so they expire in this order too.
  const inFlight = new FifoQueue<InFlight<R>>();
  // Timeout groups in send order; `group` is the newest (new sends join it while it is young).
  const groups = new FifoQueue<TimeoutGroup>();
  let group: TimeoutGroup | null = null;
  let lateSends = 0;
  let sends = 0;
  let abandoned = false;

  const t0 = options.startAtMs ?? clock.now();
  while (clock.now() < t0) await clock.sleep(t0 - clock.now());
  const startTime = new Date();
  const elapsed = () => clock.now() - t0;

  const finish = (f: InFlight<R>, error: unknown, timedOut: boolean) => {
    if (f.settled || abandoned) return;
    f.settled = true;
    const now = elapsed();
    const errorClass = timedOut ? "timeout" : error === null ? null : classifyError(error);
    settle(f.state, f.arrival, errorClass, now, now - f.sentMs);
    pump(f.state);
    // Completions can keep the loop from its next pass for a while; send what fell due meanwhile.
    if (now >= nextDueMs && !interrupted()) sendDue(now);
  };

  const settle = (
    state: StreamState<R>,
    arrival: Arrival<R>,
    errorClass: string | null,
    now: number,
    serviceMs: number | null,
  ) => {
    const latencyMs = now - arrival.intendedMs;
    recorder.complete(arrival.label, arrival.phase, errorClass, latencyMs, serviceMs);
    observer?.completed(arrival.label, arrival.phase, errorClass, latencyMs, serviceMs !== null);
    series.completed(now, errorClass, latencyMs, arrival.label.operation);
    if (serviceMs !== null) state.totals.inFlight--;
    if (errorClass === null) state.totals.successful++;
    else state.totals.failed++;
  };

  /** Sends `arrival` now; `nowMs` is elapsed() taken just before. */
  const send = (state: StreamState<R>, arrival: Arrival<R>, nowMs: number) => {
    state.totals.inFlight++;
    observer?.sent(arrival.label);
    if (group === null || nowMs - group.firstSentMs >= TIMEOUT_GROUP_MS) {
      group = {
        controller: new AbortController(),
        firstSentMs: nowMs,
        lastSentMs: nowMs,
        running: 0,
      };
      groups.push(group);
    }
    group.lastSentMs = nowMs;
    group.running++;
    const f: InFlight<R> = { arrival, state, group, sentMs: nowMs, settled: false };
    inFlight.push(f);
    let promise: Promise<void>;
    try {
      promise = execute(arrival.request, group.controller.signal);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(() => executed(f, null), (error) => executed(f, error));
  };

  const executed = (f: InFlight<R>, error: unknown) => {
    f.group.running--;
    finish(f, error, false);
  };

  /** Starts queued arrivals while the stream has room; expired ones time out unsent. */
  const pump = (state: StreamState<R>) => {
    const max = state.maxInFlight;
    while (state.totals.inFlight < max && state.queue.length > 0) {
      const arrival = state.queue.shift()!;
      state.totals.queued--;
      const now = elapsed();
      if (now - arrival.intendedMs >= spec.timeoutMs) settle(state, arrival, "timeout", now, null);
      else send(state, arrival, now);
    }
  };

  /** Sends (or queues, or drops) this shard's arrival `index` of the stream. */
  const dispatch = (state: StreamState<R>, index: number, intendedMs: number) => {
    const { label, request } = factory(state.stream, index, intendedMs / 1000);
    const arrival: Arrival<R> = { label, request, phase: phaseOf(state, intendedMs), intendedMs };
    state.totals.scheduled++;
    series.offered(intendedMs);
    const now = elapsed();
    const lagMs = now - intendedMs;
    recordMs(scheduleLag, lagMs);
    observer?.offered(label, arrival.phase, lagMs);
    sends++;
    if (lagMs > LATE_SEND_MS) lateSends++;
    if (state.totals.inFlight < state.maxInFlight && state.queue.length === 0) {
      send(state, arrival, now);
    } else if (spec.overflow === "drop") {
      recorder.drop(label, arrival.phase);
      observer?.dropped(label, arrival.phase);
      series.dropped(intendedMs);
      state.totals.dropped++;
    } else {
      state.queue.push(arrival);
      state.totals.queued++;
    }
  };

  /** Aborts and counts as timeouts the requests in flight for timeoutMs or longer. */
  const sweep = (now: number) => {
    for (let f = inFlight.peek(); f; f = inFlight.peek()) {
      if (!f.settled && now - f.sentMs < spec.timeoutMs) break;
      inFlight.shift();
      if (!f.settled) finish(f, null, true);
    }
    // A group is done once all its members finished (unless new sends may still join it), or
    // when its last member has timed out too: then its signal fires if any is still running.
    for (let g = groups.peek(); g; g = groups.peek()) {
      const expired = now - g.lastSentMs >= spec.timeoutMs;
      if (!expired && (g.running > 0 || g === group)) break;
      groups.shift();
      if (g === group) group = null;
      if (g.running > 0) g.controller.abort(new DOMException("request timed out", "TimeoutError"));
    }
  };

  const interrupted = () => options.signal?.aborted === true;

  /**
   * When the loop must next act: the earliest intended time of this shard's arrivals not yet
   * sent, or another shard's arrival's skip deadline (Infinity once none is left).
   */
  let nextDueMs = -Infinity;

  /**
   * Sends every arrival due by `now` (after passing the other shards' arrivals before it to
   * `skip`, in order); returns the clock after the last send.
   */
  const sendDue = (now: number): number => {
    let next = Infinity;
    for (const state of states) {
      for (;;) {
        const own = state.nextMs !== null && state.nextMs <= now;
        for (let o = state.others.peek(); o; o = state.others.peek()) {
          if (!own && o.ms + SKIP_SLACK_MS > now) break;
          state.others.shift();
          options.skip?.(state.stream, o.index, o.ms / 1000);
        }
        if (!own) break;
        dispatch(state, state.index, state.nextMs!);
        advance(state);
        now = elapsed();
      }
      if (state.nextMs !== null && state.nextMs < next) next = state.nextMs;
      const other = state.others.peek();
      if (other && other.ms + SKIP_SLACK_MS < next) next = other.ms + SKIP_SLACK_MS;
    }
    nextDueMs = next;
    return now;
  };

  // The scheduling loop: send everything due, then sleep (far) or take a turn (near) until the
  // next. One clock read per pass, and one more after each send (a send takes µs). Passes are
  // callbacks, not awaits: near the next arrival there are tens of thousands a second, and an
  // awaited pass allocated ~790 B against ~480 B for node:timers' setImmediate alone.
  await new Promise<void>((done, fail) => {
    const pass = () => {
      try {
        if (interrupted()) return done();
        let now = elapsed();
        sweep(now);
        now = sendDue(now);
        // Only now is every arrival intended before `now` counted, so its second may close.
        series.advance(now);
        if (nextDueMs === Infinity) return done();
        let idle = true;
        for (const state of states) if (state.totals.inFlight > 0) idle = false;
        const wait = nextDueMs - now;
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
  nextDueMs = Infinity;
  const loadEndMs = interrupted() ? elapsed() : spec.durationS * 1000;

  // Drain: every request either completes or times out; queued ones are sent or expire.
  const graceEnd = elapsed() + INTERRUPT_GRACE_MS;
  while (states.some((s) => s.totals.inFlight > 0 || s.queue.length > 0)) {
    if (interrupted()) {
      for (const s of states) {
        s.totals.queued -= s.queue.length;
        s.queue.clear();
      }
      if (elapsed() >= graceEnd) break;
    }
    const now = elapsed();
    series.advance(now);
    sweep(now);
    await clock.sleep(1);
  }
  abandoned = states.some((s) => s.totals.inFlight > 0);
  // What still runs was abandoned, or timed out in a group whose last member has not yet.
  for (let g = groups.shift(); g; g = groups.shift()) {
    if (g.running === 0) continue;
    g.controller.abort(
      abandoned
        ? new DOMException("run interrupted", "AbortError")
        : new DOMException("request timed out", "TimeoutError"),
    );
  }
  series.advance(elapsed());
  series.finish();
  const endTime = new Date();
  const result: ShardResult = {
    startTime: startTime.toISOString(),
    endTime: endTime.toISOString(),
    loadEndMs,
    interrupted: interrupted(),
    cells: recorder.snapshot(),
    scheduleLagUs: encodeHistogram(scheduleLag),
    sends,
    lateSends,
    eventLoopLagP99Ms: loopLag.p99Ms(),
  };
  recorder.destroy();
  scheduleLag.destroy();
  loopLag.stop();
  return { result, perSecond: series.points };
}

/** TargetError keeps its class; fetch's network failures are TypeErrors; aborts are timeouts. */
export function classifyError(error: unknown): string {
  if (error instanceof TargetError) return error.errorClass;
  if (
    error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")
  ) {
    return "timeout";
  }
  if (error instanceof TypeError) return "connection";
  return "invalid_response";
}

function totalsOf<R>(state: StreamState<R>): StreamTotals {
  return { ...state.totals };
}

/** The phase an arrival belongs to (by its intended time); "" outside every window. */
function phaseOf<R>(state: StreamState<R>, intendedMs: number): string {
  const phases = state.stream.profile.phases;
  const t = intendedMs / 1000;
  // Intended times only grow within a stream, so the search resumes where it left off.
  while (state.phaseIndex < phases.length && t >= phases[state.phaseIndex].end_s) {
    state.phaseIndex++;
  }
  const p = phases[state.phaseIndex];
  return p && t >= p.start_s ? p.name : "";
}
