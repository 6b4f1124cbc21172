import type { Execute } from "../load/load_spec.ts";
import type { PlannedRequest } from "../load/request_plan.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import type { IntegrityLedger } from "./integrity.ts";
import type { RecallSeries } from "./recall_series.ts";
import type { RecallTruth } from "./recall_truth.ts";
import type { WriteLog, WriteSnapshot } from "./write_log.ts";

/** What the executor needs to turn planned requests into target calls and bookkeeping. */
export interface ExecutorContext {
  target: ScenarioTarget;
  /** Server ids of the plan's collections. */
  collectionIds: string[];
  /** API key per tenant name ("" when the scenario has none). */
  apiKeys: Map<string, string | undefined>;
  logs: WriteLog[];
  ledger: IntegrityLedger;
  recall: { truth: RecallTruth; series: RecallSeries; k: number } | null;
  /** Seconds since the load started (for the recall series). */
  elapsedS: () => number;
}

/**
 * Executes planned requests against the target and records what they prove: acknowledged
 * writes go to the write log (recall truth) and the integrity ledger; measured searches keep
 * their results and write snapshot, and `scoreRecall` computes their recall after the load.
 * Scoring during the load ran exact scans on the generator's event loop: in the full chaos
 * scenario (20 collections, a third of the base rows deleted or updated, 63k inserts) it pushed
 * the generator's schedule-lag p99 to 12.3 ms and made the run invalid.
 */
export function makeExecutor(
  ctx: ExecutorContext,
): { execute: Execute<PlannedRequest>; scoreRecall: () => void } {
  const pending: {
    collection: number;
    query: number;
    ids: string[];
    snap: WriteSnapshot;
    t: number;
  }[] = [];
  /**
   * Scores every measured search so far. Each (collection, query) pair is scored in write-log
   * order, so the truth's incremental scan of inserted vectors never has to start over.
   */
  const scoreRecall = () => {
    if (!ctx.recall) return;
    const batch = pending.splice(0).sort((a, b) =>
      a.collection - b.collection || a.query - b.query || a.snap.inserted - b.snap.inserted
    );
    for (const p of batch) {
      const log = ctx.logs[p.collection];
      const truth = ctx.recall.truth.truth(p.collection, p.query, log, p.snap);
      const set = new Set(truth);
      let hits = 0;
      for (const id of p.ids.slice(0, ctx.recall.k)) if (set.delete(id)) hits++;
      ctx.recall.series.add(p.t, hits / Math.max(1, truth.length));
    }
  };
  /** Runs a write; if it fails, the document's state on the target is unknown. */
  const write = async (docId: string, call: () => Promise<void>) => {
    try {
      await call();
    } catch (err) {
      ctx.ledger.uncertain(docId);
      throw err;
    }
  };
  const execute: Execute<PlannedRequest> = async (req, signal) => {
    const id = ctx.collectionIds[req.collection];
    const opts = { signal, apiKey: ctx.apiKeys.get(req.tenant) };
    const log = ctx.logs[req.collection];
    switch (req.op) {
      case "search": {
        const measured = req.query >= 0 && ctx.recall !== null;
        const snap = measured ? log.snapshot() : null;
        const k = ctx.recall?.k ?? 10;
        const hits = await ctx.target.search(id, req.vector, k, opts);
        if (measured) {
          pending.push({
            collection: req.collection,
            query: req.query,
            ids: hits.map((h) => h.id),
            snap: snap!,
            t: ctx.elapsedS(),
          });
        }
        return;
      }
      case "insert":
        await write(
          req.docId,
          () => ctx.target.insert(id, { id: req.docId, vector: req.vector }, opts),
        );
        log.insert(req.docId, req.vector);
        ctx.ledger.present(req.collection, req.docId, req.vector);
        return;
      case "delete":
        await write(req.docId, () => ctx.target.delete(id, req.docId, opts));
        log.remove(req.row);
        ctx.ledger.absent(req.collection, req.docId);
        return;
      case "update":
        await write(req.docId, async () => {
          await ctx.target.delete(id, req.docId, opts);
          log.remove(req.row);
          await ctx.target.insert(id, { id: req.docId, vector: req.vector }, opts);
        });
        log.insert(req.docId, req.vector);
        ctx.ledger.present(req.collection, req.docId, req.vector);
        return;
      case "metadata":
        if (req.kind === "get_collection") await ctx.target.getCollection(id, opts);
        else if (req.kind === "list_collections") await ctx.target.listCollections(opts);
        else await ctx.target.get(id, req.docId!, opts);
        return;
    }
  };
  return { execute, scoreRecall };
}
