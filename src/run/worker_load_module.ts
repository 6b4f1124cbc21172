import type { Shard } from "../load/engine.ts";
import type { PlanCollection, PlannedRequest, PlanVectors } from "../plan/request_plan.ts";
import { RequestPlan } from "../plan/request_plan.ts";
import type { LoadParts } from "../load/sharded_load.ts";
import type { TierStart } from "../plan/request_plan_tiers.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { AkidbTarget } from "../targets/akidb.ts";
import { openTarget } from "../targets/registry.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { epochNow, WriteJournal } from "./write_journal.ts";
import type { JournalDelta } from "./live_recall.ts";
import { makeExecutor } from "./executor.ts";
import { IntegrityLedger } from "./integrity.ts";
import { WriteLog } from "./write_log.ts";

/** What each worker of `run --workers N` gets to build its share of a scenario's load. */
export interface WorkerLoadContext {
  scenario: Scenario;
  collections: PlanCollection[];
  vectors: PlanVectors;
  labelTiers: boolean;
  initialTiers?: TierStart[];
  /** How a worker reaches the target: its own client to the same server. */
  target: {
    name: string;
    url: string;
    adminKey?: string;
    chromaTenant?: string;
    chromaDatabase?: string;
    poolSize: number;
  };
  collectionIds: string[];
  apiKeys: Map<string, string | undefined>;
  /** Int32 counter of vectors acknowledged as written, shared with the caller's sampler. */
  written: SharedArrayBuffer;
}

/** A worker's own client: the reference server speaks the akidb API. */
async function connect(t: WorkerLoadContext["target"], shard: Shard): Promise<ScenarioTarget> {
  if (t.name === "reference" || t.name === "akidb") return new AkidbTarget(t.url, t.adminKey);
  return await openTarget(t.name, {
    url: t.url,
    apiKey: t.adminKey,
    chromaTenant: t.chromaTenant,
    chromaDatabase: t.chromaDatabase,
    poolSize: Math.max(1, Math.ceil(t.poolSize / shard.count)),
  });
}

/**
 * The LoadModule of `run --workers N`: every worker walks the scenario's whole seeded plan (its
 * `skip` keeps it in step over the other workers' arrivals), executes its share against its own
 * client, and hands back the journal of its measured searches and writes, which the caller pools for
 * recall and integrity like a sharded run's finish.
 */
export async function createLoad(
  context: unknown,
  shard: Shard,
): Promise<LoadParts<PlannedRequest>> {
  const ctx = context as WorkerLoadContext;
  const plan = new RequestPlan(
    ctx.scenario,
    ctx.collections,
    ctx.vectors,
    undefined,
    ctx.labelTiers,
    ctx.initialTiers,
  );
  const target = await connect(ctx.target, shard);
  const journal = new WriteJournal(ctx.scenario.recall?.k ?? 10);
  const written = new Int32Array(ctx.written);
  /** How much of the journal the live recall has been sent. */
  const sent = { searches: 0, writes: 0 };
  const executor = makeExecutor({
    target,
    collectionIds: ctx.collectionIds,
    apiKeys: ctx.apiKeys,
    logs: ctx.collections.map(() => new WriteLog()),
    ledger: new IntegrityLedger(),
    recall: null,
    elapsedS: () => 0,
    journal,
  });
  return {
    factory: plan.next,
    skip: plan.skip,
    execute: async (request, signal) => {
      await executor.execute(request, signal);
      if (request.op === "insert" || request.op === "update") Atomics.add(written, 0, 1);
    },
    close: () => target.close?.() ?? Promise.resolve(),
    report: () => journal.data(),
    progress: (): JournalDelta => {
      const delta = {
        searches: journal.searches.slice(sent.searches),
        writes: journal.writes.slice(sent.writes),
        reportedAt: epochNow(),
      };
      sent.searches = journal.searches.length;
      sent.writes = journal.writes.length;
      return delta;
    },
  };
}
