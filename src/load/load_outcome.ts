import type { Phase, SecondPoint } from "../result/run_result.ts";
import { judgeGenerator } from "../metrics/generator_check.ts";
import { addEncoded, newHistogram, summarize } from "../metrics/histogram.ts";
import { type CellSnapshot, TrafficRecorder } from "../metrics/traffic_recorder.ts";
import type { LoadOutcome } from "./load_spec.ts";

/** What one engine run (or one worker's share of it) measured, as plain mergeable data. */
export interface ShardResult {
  startTime: string;
  endTime: string;
  /** When scheduling ended (ms since start): the load's duration, or the interrupt. */
  loadEndMs: number;
  interrupted: boolean;
  cells: CellSnapshot[];
  /** Schedule lag histogram (µs), encoded. */
  scheduleLagUs: string;
  sends: number;
  lateSends: number;
  eventLoopLagP99Ms: number;
}

/**
 * Merges shard results (histograms added losslessly) into the LoadOutcome. The event-loop lag
 * is the worst shard's p99: each shard is its own event loop, and one saturated loop is enough
 * to make the run invalid.
 */
export function buildOutcome(
  shards: ShardResult[],
  perSecond: SecondPoint[],
  phaseWindows: Phase[],
): LoadOutcome {
  const recorder = new TrafficRecorder();
  const lag = newHistogram();
  for (const s of shards) {
    recorder.absorb(s.cells);
    addEncoded(lag, s.scheduleLagUs);
  }
  const traffic = recorder.summary();
  recorder.destroy();
  const lagSummary = summarize(lag);
  lag.destroy();
  const sends = shards.reduce((n, s) => n + s.sends, 0);
  const lateSends = shards.reduce((n, s) => n + s.lateSends, 0);
  const loopLagP99 = Math.max(0, ...shards.map((s) => s.eventLoopLagP99Ms));
  const interrupted = shards.some((s) => s.interrupted);
  const durationS = Math.max(0, ...shards.map((s) => s.loadEndMs)) / 1000;
  const all = traffic.all;
  const completed = all.successful + all.failed;
  return {
    startTime: shards.map((s) => s.startTime).sort()[0],
    endTime: shards.map((s) => s.endTime).sort().at(-1)!,
    durationSeconds: durationS,
    interrupted,
    totals: {
      total_requests: all.requests,
      successful_requests: all.successful,
      failed_requests: all.failed,
      dropped_requests: all.dropped,
      // Dropped arrivals count as errors: the load they stand for was not served.
      error_rate: all.requests === 0 ? 0 : (all.failed + all.dropped) / all.requests,
      latency_ms: {
        p50: all.latency_ms.p50,
        p90: all.latency_ms.p90,
        p95: all.latency_ms.p95,
        p99: all.latency_ms.p99,
        max: all.latency_ms.max,
      },
      throughput: {
        average_qps: durationS > 0 ? completed / durationS : 0,
        peak_qps: perSecond.reduce((m, p) => Math.max(m, p.achieved), 0),
        offered_qps: durationS > 0 ? all.requests / durationS : 0,
      },
    },
    operations: traffic.operations,
    tenants: traffic.tenants,
    phases: traffic.phases,
    phaseWindows,
    perSecond,
    generator: {
      ...judgeGenerator(lagSummary, sends === 0 ? 0 : lateSends / sends, loopLagP99),
      schedule_lag_ms: lagSummary,
      event_loop_lag_p99_ms: Math.round(loopLagP99 * 1000) / 1000,
    },
  };
}

/** The phase windows of all streams, each distinct name + window once, by start time. */
export function mergePhases(lists: Phase[][]): Phase[] {
  const seen = new Map<string, Phase>();
  for (const list of lists) {
    for (const p of list) seen.set(`${p.name}@${p.start_s}-${p.end_s}`, { ...p });
  }
  return [...seen.values()].sort((a, b) => a.start_s - b.start_s);
}
