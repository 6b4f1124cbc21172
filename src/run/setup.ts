import type { Dataset } from "../dataset/dataset.ts";
import type { PlanCollection } from "../plan/request_plan.ts";
import { planDocId } from "../plan/request_plan_ids.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import type { Capabilities, Document } from "../targets/target.ts";
import type { IntegrityLedger } from "./integrity.ts";
import { baseRowCount } from "../plan/layout.ts";

/** What setup created on the target, filled in as it goes (teardown removes it). */
export interface Deployment {
  collectionIds: string[];
  /** API key per tenant name; "" (no tenants) maps to undefined. */
  apiKeys: Map<string, string | undefined>;
  /** Per collection, the key of its tenant. */
  collectionKeys: (string | undefined)[];
  /** Server tenant id per tenant name. */
  tenantIds: Map<string, string>;
}

/** The bulk load's insert_batch requests: documents per request, requests in flight. */
export const LOAD_BATCH = { size: 256, inFlight: 4 } as const;
const SINGLES_IN_FLIGHT = 32;
const READY_TIMEOUT_MS = 120_000;
const INDEX_STALL_MS = 2000;

/** How long the bulk load took and how long the target then took to index it. */
export interface LoadTimings {
  vectors: number;
  /** From the first insert sent to the last one acknowledged. */
  loadS: number;
  /** From the last acknowledgement until the target reported every document and no backlog. */
  indexS: number;
  /** Vectors the target still reported waiting for its index when the wait ended (null: unknown). */
  indexPending: number | null;
}

/**
 * Creates the tenants (with API keys) and collections of a scenario and bulk-loads each
 * collection's base rows, batches in parallel (insert_batch when the target has it, single
 * inserts otherwise), recording every acknowledged document in the ledger. Then waits until the
 * target reports every collection's documents and its index backlog worked off (at most the
 * scenario's index_wait). `runTag` keeps names unique per run.
 */
export async function deploy(
  target: ScenarioTarget,
  scenario: Scenario,
  dataset: Dataset,
  collections: PlanCollection[],
  ledger: IntegrityLedger,
  runTag: string,
  into: Deployment,
  onProgress?: (message: string) => void,
): Promise<LoadTimings> {
  const { apiKeys, collectionKeys, collectionIds } = into;
  if (scenario.tenants.length === 0) apiKeys.set("", undefined);
  for (const t of scenario.tenants) {
    const tenantId = await target.createTenant!(`${t.name}-${runTag}`);
    into.tenantIds.set(t.name, tenantId);
    apiKeys.set(t.name, await target.createApiKey!(tenantId, t.role));
  }
  for (const c of collections) collectionKeys.push(apiKeys.get(c.tenant));
  for (const [i, c] of collections.entries()) {
    const name = `akibench-${scenario.id}-${runTag}-${c.tenant ? `${c.tenant}-` : ""}${i}`;
    collectionIds.push(
      await target.createCollection(
        { name, dimension: dataset.dim, metric: dataset.metric },
        { apiKey: collectionKeys[i] },
      ),
    );
  }
  const features = await target.features();
  const batched = features.batch_insert && target.insertBatch !== undefined;
  const jobs: { collection: number; start: number; end: number }[] = [];
  const step = batched ? LOAD_BATCH.size : 1;
  for (const [i, c] of collections.entries()) {
    for (let s = c.start; s < c.end; s += step) {
      jobs.push({ collection: i, start: s, end: Math.min(c.end, s + step) });
    }
  }
  const total = baseRowCount(collections);
  let loaded = 0, next = 0;
  const doc = (row: number): Document => ({
    id: planDocId(scenario.seed, -1, row),
    externalId: String(row),
    vector: dataset.train.subarray(row * dataset.dim, (row + 1) * dataset.dim),
  });
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const id = collectionIds[job.collection];
      const ctx = { apiKey: collectionKeys[job.collection], signal: AbortSignal.timeout(60_000) };
      const docs = Array.from({ length: job.end - job.start }, (_, i) => doc(job.start + i));
      if (batched) await target.insertBatch!(id, docs, ctx);
      else await target.insert(id, docs[0], ctx);
      for (const d of docs) ledger.present(job.collection, d.id, d.vector, false);
      loaded += docs.length;
      onProgress?.(`loading ${loaded}/${total} vectors`);
    }
  };
  const workers = batched ? LOAD_BATCH.inFlight : SINGLES_IN_FLIGHT;
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, worker));
  const acknowledged = performance.now();
  const indexPending = await waitUntilLoaded(
    target,
    collections,
    into,
    scenario.indexWaitS * 1000,
    onProgress,
  );
  return {
    vectors: total,
    loadS: (acknowledged - started) / 1000,
    indexS: (performance.now() - acknowledged) / 1000,
    indexPending,
  };
}

/** Sets the scenario's tiering policy on a target that tiers (before the bulk load). */
export async function applyTieringPolicy(
  target: ScenarioTarget,
  scenario: Scenario,
  features: Capabilities,
): Promise<void> {
  const t = scenario.server.tiering;
  if (!t || !features.tiering) return;
  await target.setTieringPolicy!({
    hotToWarmIdleS: t.hotToWarmIdleS,
    warmToColdIdleS: t.warmToColdIdleS,
    warmToHotAccesses: t.warmToHotAccesses,
    accessWindowS: t.warmToHotWindowS,
    checkIntervalS: t.checkIntervalS,
    uploadIntervalS: t.uploadIntervalS,
  });
}

export function emptyDeployment(): Deployment {
  return { collectionIds: [], apiKeys: new Map(), collectionKeys: [], tenantIds: new Map() };
}

async function waitUntilLoaded(
  target: ScenarioTarget,
  collections: PlanCollection[],
  d: Deployment,
  indexWaitMs: number,
  onProgress?: (message: string) => void,
): Promise<number | null> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (const [i, c] of collections.entries()) {
    while (true) {
      const info = await target.getCollection(d.collectionIds[i], { apiKey: d.collectionKeys[i] });
      if (!info) throw new Error(`collection ${d.collectionIds[i]} vanished after loading`);
      if (info.documentCount >= c.end - c.start) break;
      if (performance.now() > deadline) {
        throw new Error(
          `collection ${d.collectionIds[i]} reports ${info.documentCount} of ${
            c.end - c.start
          } documents after ${READY_TIMEOUT_MS / 1000} s`,
        );
      }
      onProgress?.(`waiting for collection ${i + 1}/${collections.length} to be ready`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // A target that reports an indexing backlog is measured once it has worked the bulk load
  // off: until nothing is pending, or the backlog stops shrinking for INDEX_STALL_MS (some
  // vectors may stay in an exact buffer by design), or the scenario's index_wait has passed.
  const indexDeadline = performance.now() + indexWaitMs;
  let best = Infinity, bestAt = performance.now();
  let pending: number | null = null;
  while (target.pendingIndexVectors) {
    pending = await target.pendingIndexVectors();
    if (pending === null || pending === 0 || performance.now() > indexDeadline) break;
    if (pending < best) [best, bestAt] = [pending, performance.now()];
    else if (performance.now() - bestAt > INDEX_STALL_MS) break;
    onProgress?.(`waiting for the target to index ${pending} vectors`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return pending;
}

/** Deletes what deploy() created; failures are returned, not thrown (the run is over). */
export async function teardown(target: ScenarioTarget, d: Deployment): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, id] of d.collectionIds.entries()) {
    try {
      await target.deleteCollection(id, {
        apiKey: d.collectionKeys[i],
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      problems.push(`delete collection ${id}: ${(err as Error).message}`);
    }
  }
  return problems;
}
