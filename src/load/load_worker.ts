/// <reference lib="deno.worker" />
/**
 * Worker entry of runLoadInWorkers: loads the caller's module, builds its factory and execute
 * for this shard, runs the engine on the shard's arrivals and posts each closed second and the
 * final ShardResult back.
 */
import { encodeHistogram, initHistograms } from "../metrics/histogram.ts";
import { LiveDeltaRecorder } from "../metrics/live_delta.ts";
import { runShard } from "./engine.ts";
import type { LoadModule, WorkerMessage, WorkerRequest } from "./sharded_load.ts";
import { toLoadSpec } from "./sharded_load.ts";

const stop = new AbortController();
let started = false;

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const msg = event.data;
  if (msg.type === "stop") {
    stop.abort();
    return;
  }
  if (msg.type !== "prepare" || started) return;
  started = true;
  const post = (m: WorkerMessage) => self.postMessage(m);
  try {
    await initHistograms();
    const mod = await import(msg.moduleUrl) as LoadModule<unknown>;
    const parts = await mod.createLoad(msg.context, msg.shard);
    const spec = toLoadSpec(msg.spec);
    const startAt = await new Promise<number>((resolve) => {
      self.onmessage = (e: MessageEvent<WorkerRequest>) => {
        if (e.data.type === "start") resolve(e.data.startAtEpochMs - performance.timeOrigin);
        if (e.data.type === "stop") {
          stop.abort();
          resolve(performance.now());
        }
      };
      post({ type: "ready" });
    });
    self.onmessage = (e: MessageEvent<WorkerRequest>) => {
      if (e.data.type === "stop") stop.abort();
    };
    const live = msg.live ? new LiveDeltaRecorder() : undefined;
    const { result } = await runShard(spec, parts.factory, parts.execute, {
      signal: stop.signal,
      shard: msg.shard,
      startAtMs: startAt,
      skip: parts.skip,
      observer: live,
      onSecond: (point, latency, streams, byOperation) =>
        post({
          type: "second",
          point,
          latencyUs: encodeHistogram(latency),
          byOperationUs: Object.fromEntries(
            [...byOperation].filter(([, h]) => h.totalCount > 0)
              .map(([label, h]) => [label, encodeHistogram(h)]),
          ),
          streams,
          live: live?.take(),
          progress: msg.progress ? parts.progress?.() : undefined,
        }),
    });
    await parts.close?.();
    post({ type: "done", result, report: parts.report?.(), live: live?.take() });
  } catch (error) {
    post({
      type: "error",
      message: error instanceof Error ? error.stack ?? error.message : `${error}`,
    });
  }
};
