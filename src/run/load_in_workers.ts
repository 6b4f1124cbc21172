import type { Dataset } from "../dataset/dataset.ts";
import type { StreamTotals } from "../load/engine.ts";
import type { LoadOutcome } from "../load/load_spec.ts";
import type { PlanCollection } from "../plan/request_plan.ts";
import { type LiveSink, runLoadInWorkers } from "../load/sharded_load.ts";
import { portableLoadSpec } from "../plan/scenario_load.ts";
import type { SecondPoint } from "../result/run_result.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { JournalData } from "./write_journal.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import type { Deployment } from "./setup.ts";
import type { TierStart } from "../plan/request_plan_tiers.ts";
import type { WorkerLoadContext } from "./worker_load_module.ts";
import type { JournalDelta } from "./live_recall.ts";

export interface WorkersOptions {
  workers: number;
  labelTiers: boolean;
  /** Where the target has each collection's tier when the load begins (the tier model's start). */
  initialTiers?: TierStart[];
  /** Target options a worker's own client needs besides the URL. */
  targetOptions: { chromaTenant?: string; chromaDatabase?: string };
  /** Int32 counter the workers add every acknowledged written vector to. */
  written: SharedArrayBuffer;
  signal?: AbortSignal;
  onSecond?: (point: SecondPoint, streams: StreamTotals[]) => void;
  /** The live figures, fed with every worker's counts. */
  live?: LiveSink;
  /** Each worker's journal since its previous second, for live recall. */
  onJournal?: (worker: number, delta: JournalDelta) => void;
}

/**
 * The scenario's load over `workers` worker threads (runLoadInWorkers): the same seeded plan,
 * every arrival planned in every worker (built only by the one that sends it), each worker with its own client to the
 * target and 1/N of each in-flight limit. Returns the merged outcome (the shape runLoad gives)
 * and each worker's journal, for recall and integrity.
 */
export async function loadInWorkers(
  scenario: Scenario,
  target: ScenarioTarget,
  dataset: Dataset,
  collections: PlanCollection[],
  deployment: Deployment,
  options: WorkersOptions,
): Promise<{ outcome: LoadOutcome; journals: JournalData[] }> {
  if (!target.url) {
    throw new Error(`--workers: target ${target.name} has no URL a worker can reach`);
  }
  const context: WorkerLoadContext = {
    scenario,
    collections,
    vectors: {
      dim: dataset.dim,
      train: dataset.train,
      test: dataset.test,
      queries: dataset.queries,
    },
    labelTiers: options.labelTiers,
    initialTiers: options.initialTiers,
    target: {
      name: target.name,
      url: target.url,
      adminKey: (target as { adminKey?: string }).adminKey,
      ...options.targetOptions,
      poolSize: scenario.concurrency + scenario.tenants.reduce((n, t) => n + t.concurrency, 0),
    },
    collectionIds: deployment.collectionIds,
    apiKeys: deployment.apiKeys,
    written: options.written,
  };
  const { reports, ...outcome } = await runLoadInWorkers(
    portableLoadSpec(scenario),
    { moduleUrl: new URL("./worker_load_module.ts", import.meta.url).href, context },
    {
      workers: options.workers,
      signal: options.signal,
      onSecond: options.onSecond,
      live: options.live,
      onProgress: options.onJournal &&
        ((worker, progress) => options.onJournal!(worker, progress as JournalDelta)),
    },
  );
  return { outcome, journals: reports as JournalData[] };
}
