import type { Criterion } from "../criteria/criterion.ts";
import type { StreamTotals } from "../load/engine.ts";
import type { LiveMetrics } from "../metrics/live_metrics.ts";
import type { LiveRun } from "../metrics/live_run.ts";
import { type SamplerResult, startSampler } from "../metrics/sampler.ts";
import type { RunResult, SecondPoint } from "../result/run_result.ts";
import type { DeployedRun } from "./deployed_run.ts";
import { startFaultSchedule } from "./fault_schedule.ts";
import { latencyLimits } from "./latency_limits.ts";
import { type JournalDelta, LiveRecall } from "./live_recall.ts";
import type { MeasuredRecall } from "./measured_recall.ts";
import type { MeasuredSearch } from "./score_searches.ts";
import { runGauges } from "./run_gauges.ts";
import { secondUpdates } from "./second_updates.ts";
import type { WriteLog } from "./write_log.ts";

export interface WatchOptions {
  criteria: Criterion[];
  recall: MeasuredRecall | null;
  /** The single loop's write logs and measured searches (live recall, written MB). */
  logs: WriteLog[];
  measured: readonly MeasuredSearch[];
  /** Load workers (1: the single loop). */
  workers: number;
  /** The run's result so far, for partial results. */
  shell: RunResult;
  /** What a stored vector costs the target (bytes), for the sampler's written MB. */
  vectorBytes: number;
  resourceMetricsUrl?: string;
  live?: LiveMetrics;
  onUpdate?: (partial: RunResult) => void;
}

/** What runs beside a load; `stop` ends it once the load is over. */
export interface LoadWatch {
  /** The run's live figures: the single loop's observer, the workers' sink. */
  live: LiveRun | undefined;
  /** Each closed second: live recall takes the new searches, then progress and partial result. */
  onSecond: (p: SecondPoint, totals: StreamTotals[]) => void;
  /** Each load worker's journal since its previous second, for live recall. */
  onJournal?: (worker: number, delta: JournalDelta) => void;
  /** Int32 counter the load workers add every acknowledged written vector to. */
  workerWrites: SharedArrayBuffer;
  /** Whether the fault schedule runs (the target's recovery is then measured). */
  faulted: boolean;
  /** Ends the live figures, stops the fault schedule (its problems) and the sampler. */
  stop(): Promise<{ sampled: SamplerResult; problems: string[] }>;
}

/**
 * Starts what runs beside a scenario's load: the live figures, the sampler of the target's
 * resources and gauges, the fault schedule (when the target has faults), the live recall and
 * the per-second progress.
 */
export function watchLoad(run: DeployedRun, o: WatchOptions): LoadWatch {
  const { scenario, target, features } = run;
  const live = o.live?.beginRun({
    scenario: scenario.id,
    target: target.name,
    profile: scenario.profile,
    seed: scenario.seed,
    durationS: scenario.durationS,
    latencyLimits: latencyLimits(o.criteria),
  });
  const vectorMb = o.vectorBytes / (1024 * 1024);
  const workerWrites = new Int32Array(new SharedArrayBuffer(4));
  const sampler = startSampler({
    pid: target.pid,
    metricsUrl: target.metricsUrl,
    metricsKey: target.metricsKey,
    resourceMetricsUrl: o.resourceMetricsUrl,
    gauges: runGauges(scenario, o.criteria, features),
    writtenMb: () =>
      (o.logs.reduce((n, log) => n + log.inserted.length, 0) + workerWrites[0]) * vectorMb,
    onSample: live && ((point, kept) => {
      live.resources = point;
      live.targetGauges = kept;
    }),
  });
  const faults = scenario.server.faults.length > 0 && features.faults
    ? startFaultSchedule(target, scenario.server.faults)
    : null;
  // Recall scored during the load in a worker thread, for /metrics and the status line (from
  // the load workers' journals with --workers).
  const liveRecall = live && o.recall
    ? new LiveRecall(
      o.recall.truth,
      scenario.mix.delete > 0 || scenario.mix.update > 0,
      o.logs,
      o.measured,
      (score) => {
        if (score.overall !== null) {
          live.recall = { k: score.k, value: score.overall, samples: score.samples };
        }
      },
      o.workers > 1 ? o.workers : 0,
    )
    : null;
  const perSecond = secondUpdates(o.shell, scenario.durationS, run.progress, o.onUpdate);
  return {
    live,
    onSecond: (p, totals) => {
      liveRecall?.flush();
      perSecond(p, totals);
    },
    onJournal: liveRecall ? (worker, delta) => liveRecall.journal(worker, delta) : undefined,
    workerWrites: workerWrites.buffer as SharedArrayBuffer,
    faulted: faults !== null,
    async stop() {
      live?.end();
      liveRecall?.close();
      const problems = faults ? await faults.stop() : [];
      return { sampled: await sampler.stop(), problems };
    },
  };
}
