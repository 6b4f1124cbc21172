import type { Criterion } from "../criteria/criterion.ts";
import { runLoad } from "../load/engine.ts";
import type { LoadOutcome } from "../load/load_spec.ts";
import type { LiveMetrics } from "../metrics/live_metrics.ts";
import type { LiveRun } from "../metrics/live_run.ts";
import type { SamplerResult } from "../metrics/sampler.ts";
import { scenarioLoadSpec, scenarioPlan } from "../plan/scenario_load.ts";
import type { RunResult } from "../result/run_result.ts";
import { encodeAhead } from "../targets/vector_text.ts";
import { autoWorkers } from "./auto_workers.ts";
import type { DeployedRun } from "./deployed_run.ts";
import { makeExecutor } from "./executor.ts";
import type { IntegrityLedger } from "./integrity.ts";
import { loadInWorkers } from "./load_in_workers.ts";
import { watchLoad } from "./load_watch.ts";
import type { MeasuredRecall } from "./measured_recall.ts";
import { startingTiers } from "./starting_tiers.ts";
import type { VectorCost } from "./vector_cost.ts";
import type { JournalData } from "./write_journal.ts";
import { WriteLog } from "./write_log.ts";

/** How a run's load is driven and watched (part of RunScenarioOptions). */
export interface DriveOptions {
  /** Ctrl-C: stop scheduling, finish what can be finished, mark the result interrupted. */
  signal?: AbortSignal;
  /**
   * A Prometheus endpoint to read the target's RSS/CPU from instead of /proc and the target's
   * own /metrics (--resource-metrics).
   */
  resourceMetricsUrl?: string;
  /** Called about once a second during the load with the run so far (live report). */
  onUpdate?: (partial: RunResult) => void;
  /**
   * Worker threads to spread the load over (`run --workers N`; default 1, the reference path):
   * the same plan, each worker with its own client; needs a target with a URL. "auto" (the
   * CLI's default): one unless one event loop cannot hold the scenario's peak rate (chooseWorkers).
   */
  workers?: number | "auto";
  /** What a worker's client needs besides the target's URL (Chroma's tenant and database). */
  workerTargetOptions?: { chromaTenant?: string; chromaDatabase?: string };
  /** Live figures for /metrics and the status line, fed during the load. */
  live?: LiveMetrics;
}

export interface DriveInputs {
  criteria: Criterion[];
  recall: MeasuredRecall | null;
  /** The integrity ledger of setup, which the single loop's acknowledged writes go to. */
  ledger: IntegrityLedger;
  /** The run's result before its load, the base of partial results. */
  shell: RunResult;
  /** What a stored vector costs the target, to tell data growth from other memory growth. */
  vectorCost: VectorCost;
}

/** What the load left to verify and judge. */
export interface Driven {
  outcome: LoadOutcome;
  /** The load workers' journals of measured searches and writes; null on the single loop. */
  journals: JournalData[] | null;
  sampled: SamplerResult;
  /** What went wrong beside the load: the tiers at the start unknown, the fault schedule's. */
  problems: string[];
  /** Whether the fault schedule ran. */
  faulted: boolean;
  live: LiveRun | undefined;
  /** Scores the single loop's measured searches into the recall series. */
  scoreMeasured: () => void;
}

/**
 * Drive: the scenario's open-model load on its seeded plan, on one event loop or over worker
 * threads, with the sampler, fault schedule and live figures beside it (watchLoad).
 */
export async function driveLoad(
  run: DeployedRun,
  inputs: DriveInputs,
  options: DriveOptions,
): Promise<Driven> {
  const { scenario, target, dataset, collections, deployment } = run;
  const spec = scenarioLoadSpec(scenario);
  const labelTiers = inputs.criteria.some((c) => c.traffic?.tier !== undefined);
  const problems: string[] = [];
  const initialTiers = labelTiers ? await startingTiers(run, problems) : undefined;
  const plan = scenarioPlan(scenario, collections, dataset, labelTiers, initialTiers);
  // The measured searches' request bodies are formatted now, not on the send path.
  if (inputs.recall) encodeAhead(plan.queryVectors);
  const logs = collections.map(() => new WriteLog());
  let loadStart = performance.now();
  const executor = makeExecutor({
    target,
    collectionIds: deployment.collectionIds,
    apiKeys: deployment.apiKeys,
    logs,
    ledger: inputs.ledger,
    recall: inputs.recall,
    elapsedS: () => (performance.now() - loadStart) / 1000,
  });
  const workers = options.workers === "auto"
    ? autoWorkers(spec, scenario.dataset.dim, target)
    : Math.max(1, options.workers ?? 1);
  const watch = watchLoad(run, {
    criteria: inputs.criteria,
    recall: inputs.recall,
    logs,
    measured: executor.measured,
    workers,
    shell: inputs.shell,
    vectorBytes: inputs.vectorCost.bytes,
    resourceMetricsUrl: options.resourceMetricsUrl,
    live: options.live,
    onUpdate: options.onUpdate,
  });
  loadStart = performance.now();
  const { outcome, journals } = workers > 1
    ? await loadInWorkers(scenario, target, dataset, collections, deployment, {
      workers,
      labelTiers,
      initialTiers,
      targetOptions: options.workerTargetOptions ?? {},
      written: watch.workerWrites,
      signal: options.signal,
      onSecond: watch.onSecond,
      live: watch.live,
      onJournal: watch.onJournal,
    })
    : {
      outcome: await runLoad(spec, plan.next, executor.execute, {
        signal: options.signal,
        onSecond: watch.onSecond,
        observer: watch.live,
      }),
      journals: null,
    };
  const stopped = await watch.stop();
  return {
    outcome,
    journals,
    sampled: stopped.sampled,
    problems: [...problems, ...stopped.problems],
    faulted: watch.faulted,
    live: watch.live,
    scoreMeasured: executor.scoreRecall,
  };
}
