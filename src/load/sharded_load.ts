import type { SecondPoint } from "../result/run_result.ts";
import { type Histogram, initHistograms } from "../metrics/histogram.ts";
import type { LiveDelta } from "../metrics/live_delta.ts";
import { SecondMerger } from "../metrics/second_merger.ts";
import type { Shard, StreamTotals } from "./engine.ts";
import { buildOutcome, mergePhases, type ShardResult } from "./load_outcome.ts";
import type {
  Execute,
  LoadOutcome,
  LoadSpec,
  ProfileSpec,
  RequestFactory,
  SkipArrival,
} from "./load_spec.ts";
import { makeRateProfile } from "./rate_profile.ts";

/** A LoadSpec as plain data (profiles as ProfileSpec), so it can be sent to workers. */
export interface PortableLoadSpec extends Omit<LoadSpec, "streams"> {
  /** `seed`: the profile's seed when not the spec's (a scenario's tenant i uses seed + i). */
  streams: { tenant: string; profile: ProfileSpec; maxInFlight: number; seed?: number }[];
}

/** The engine's LoadSpec of a portable one: profiles built with the spec's duration and seed. */
export function toLoadSpec(spec: PortableLoadSpec): LoadSpec {
  return {
    ...spec,
    streams: spec.streams.map((s) => ({
      tenant: s.tenant,
      profile: makeRateProfile(s.profile, spec.durationS, s.seed ?? spec.seed),
      maxInFlight: s.maxInFlight,
    })),
  };
}

/** What each worker builds from the caller's module. */
export interface LoadParts<R> {
  factory: RequestFactory<R>;
  /** For a stateful factory: keeps it in step over the other workers' arrivals. */
  skip?: SkipArrival;
  execute: Execute<R>;
  /** Releases what createLoad opened (connections, clients), after the shard's run. */
  close?: () => Promise<void>;
  /** What the shard kept besides its measurements (structured-cloneable), for the caller. */
  report?: () => unknown;
  /**
   * What the shard has to tell the caller while it runs (structured-cloneable), taken with each
   * closed second when someone watches the live figures.
   */
  progress?: () => unknown;
}

/**
 * The module runLoadInWorkers loads in every worker. Constraint: `factory` must be a pure
 * function of (stream, index) — each worker calls it only for its own arrivals (index % count ==
 * shard.index), so a factory that keeps state between calls would diverge from a single-threaded
 * run — unless `createLoad` also returns `skip`, which each worker then calls for every other
 * worker's arrival.
 * Everything `createLoad` needs must come from `context` (structured-cloneable).
 */
export interface LoadModule<R> {
  createLoad(context: unknown, shard: Shard): LoadParts<R> | Promise<LoadParts<R>>;
}

export type WorkerRequest =
  | {
    type: "prepare";
    moduleUrl: string;
    context: unknown;
    spec: PortableLoadSpec;
    shard: Shard;
    /** Count live figures and send them with each second (someone watches /metrics). */
    live: boolean;
    /** Send the LoadParts' `progress` with each second (someone reads it). */
    progress: boolean;
  }
  | { type: "start"; startAtEpochMs: number }
  | { type: "stop" };

export type WorkerMessage =
  | { type: "ready" }
  | {
    type: "second";
    point: SecondPoint;
    latencyUs: string;
    /** Histograms of the second's qualified operations (`search@hot`), by label. */
    byOperationUs: Record<string, string>;
    streams: StreamTotals[];
    live?: LiveDelta;
    progress?: unknown;
  }
  | { type: "done"; result: ShardResult; report: unknown; live?: LiveDelta }
  | { type: "error"; message: string };

export interface ShardedLoadOptions {
  /** Number of workers (event loops) to spread the arrivals over. */
  workers: number;
  signal?: AbortSignal;
  onSecond?: (point: SecondPoint, streams: StreamTotals[]) => void;
  /** Fed with every worker's live counts and the merged seconds (the live /metrics view). */
  live?: LiveSink;
  /** Each worker's `progress` with each of its seconds. */
  onProgress?: (worker: number, progress: unknown) => void;
}

/** Where the workers' live figures go (a LiveRun). */
export interface LiveSink {
  absorb(delta: LiveDelta): void;
  second(point: SecondPoint, latency: Histogram): void;
}

/** Lead time between "all workers ready" and the common start, so every worker is waiting. */
const START_LEAD_MS = 100;

/**
 * runLoad across `workers` Web Workers (one event loop each, so several cores can send): every
 * worker walks the full schedule of every stream from one common start time and sends arrival
 * `index` when index % workers == its shard, with each stream's in-flight limit split evenly.
 * Histograms (per operation × tenant × phase, schedule lag, per second) come back encoded and are
 * merged losslessly; the result is the same LoadOutcome as runLoad's.
 */
export async function runLoadInWorkers(
  spec: PortableLoadSpec,
  load: { moduleUrl: string; context?: unknown },
  options: ShardedLoadOptions,
): Promise<LoadOutcome & { reports: unknown[] }> {
  await initHistograms();
  const count = Math.max(1, Math.floor(options.workers));
  const merger = new SecondMerger<StreamTotals[]>(count, (point, parts, latency) => {
    options.live?.second(point, latency);
    options.onSecond?.(point, sumTotals(parts));
  });
  const workers = Array.from(
    { length: count },
    () => new Worker(new URL("./load_worker.ts", import.meta.url), { type: "module" }),
  );
  const stopAll = () => workers.forEach((w) => w.postMessage({ type: "stop" }));
  options.signal?.addEventListener("abort", stopAll, { once: true });
  try {
    let ready = 0;
    let startAll: () => void = () => {};
    const allReady = new Promise<void>((resolve) => startAll = resolve);
    const results = await Promise.all(
      workers.map((worker, index) =>
        new Promise<{ result: ShardResult; report: unknown }>((resolve, reject) => {
          worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
            const m = e.data;
            if (m.type === "ready" && ++ready === count) startAll();
            else if (m.type === "second") {
              if (m.live) options.live?.absorb(m.live);
              if (m.progress !== undefined) options.onProgress?.(index, m.progress);
              merger.add(m.point, m.latencyUs, m.streams, m.byOperationUs);
            } else if (m.type === "done") {
              if (m.live) options.live?.absorb(m.live);
              resolve(m);
            } else if (m.type === "error") {
              reject(new Error(`load worker ${index}: ${m.message}`));
            }
          };
          worker.onerror = (e) => {
            e.preventDefault();
            reject(new Error(`load worker ${index}: ${e.message}`));
          };
          const request: WorkerRequest = {
            type: "prepare",
            moduleUrl: load.moduleUrl,
            context: load.context,
            spec,
            shard: { index, count },
            live: options.live !== undefined,
            progress: options.onProgress !== undefined,
          };
          worker.postMessage(request);
          allReady.then(() => {
            if (options.signal?.aborted) worker.postMessage({ type: "stop" });
            const startAtEpochMs = performance.timeOrigin + performance.now() + START_LEAD_MS;
            worker.postMessage({ type: "start", startAtEpochMs });
          });
        })
      ),
    );
    const perSecond = merger.finish();
    const phases = toLoadSpec(spec).streams.map((s) => s.profile.phases);
    return {
      ...buildOutcome(results.map((r) => r.result), perSecond, mergePhases(phases)),
      reports: results.map((r) => r.report),
    };
  } finally {
    options.signal?.removeEventListener("abort", stopAll);
    workers.forEach((w) => w.terminate());
  }
}

function sumTotals(parts: StreamTotals[][]): StreamTotals[] {
  return parts[0].map((first, i) => {
    const sum = { ...first };
    for (const p of parts.slice(1)) {
      sum.scheduled += p[i].scheduled;
      sum.successful += p[i].successful;
      sum.failed += p[i].failed;
      sum.dropped += p[i].dropped;
      sum.inFlight += p[i].inFlight;
      sum.queued += p[i].queued;
    }
    return sum;
  });
}
