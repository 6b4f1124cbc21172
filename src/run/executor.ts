import type { Execute } from "../load/load_spec.ts";
import type { PlannedRequest } from "../plan/request_plan.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import type { IntegrityLedger } from "./integrity.ts";
import type { RecallSeries } from "./recall_series.ts";
import type { RecallTruth } from "./recall_truth.ts";
import type { WriteLog } from "./write_log.ts";
import { type MeasuredSearch, scoreSearches } from "./score_searches.ts";
import { epochNow, type WriteJournal } from "./write_journal.ts";

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
  /**
   * A sharded run's journal: measured searches go there instead of being scored here, and every
   * acknowledged or uncertain write is stamped into it, so recall and integrity can be judged
   * over all shards' writes at the finish.
   */
  journal?: WriteJournal;
}

/**
 * Executes planned requests against the target and records what they prove: acknowledged
 * writes go to the write log (recall truth) and the integrity ledger; measured searches keep
 * their results and write snapshot, and `scoreRecall` computes their recall after the load
 * (LiveRecall scores copies of them meanwhile, off the generator's thread).
 * Scoring during the load ran exact scans on the generator's event loop: in the full chaos
 * scenario (20 collections, a third of the base rows deleted or updated, 63k inserts) it pushed
 * the generator's schedule-lag p99 to 12.3 ms and made the run invalid.
 */
export function makeExecutor(
  ctx: ExecutorContext,
): {
  execute: Execute<PlannedRequest>;
  scoreRecall: () => void;
  /** The measured searches not scored yet, in completion order (live recall reads them). */
  measured: readonly MeasuredSearch[];
} {
  const pending: MeasuredSearch[] = [];
  /** Scores every measured search so far. */
  const scoreRecall = () => {
    if (ctx.recall) scoreSearches(pending.splice(0), ctx.logs, ctx.recall);
  };
  /** Runs a write; if it fails, the document's state on the target is unknown. */
  const write = async (docId: string, call: () => Promise<void>) => {
    try {
      await call();
    } catch (err) {
      ctx.ledger.uncertain(docId);
      ctx.journal?.markUncertain(docId);
      throw err;
    }
  };
  const execute: Execute<PlannedRequest> = async (req, signal) => {
    const id = ctx.collectionIds[req.collection];
    const opts = { signal, apiKey: ctx.apiKeys.get(req.tenant) };
    const log = ctx.logs[req.collection];
    switch (req.op) {
      case "search": {
        const journal = ctx.journal;
        const measured = req.query >= 0 && (ctx.recall !== null || journal !== undefined);
        const snap = measured ? log.snapshot() : null;
        const sentAt = journal ? epochNow() : 0;
        const k = ctx.recall?.k ?? journal?.k ?? 10;
        const hits = await ctx.target.search(id, req.vector, k, opts);
        if (measured && journal) {
          journal.search(req.collection, req.query, hits.map((h) => h.id), sentAt);
        } else if (measured) {
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
        ctx.journal?.insert(req.collection, req.docId, req.vector);
        ctx.ledger.present(req.collection, req.docId, req.vector);
        return;
      case "delete":
        await write(req.docId, () => ctx.target.delete(id, req.docId, opts));
        log.remove(req.row);
        ctx.journal?.remove(req.collection, req.docId, req.row);
        ctx.ledger.absent(req.collection, req.docId);
        return;
      case "update":
        await write(req.docId, async () => {
          await ctx.target.delete(id, req.docId, opts);
          log.remove(req.row);
          ctx.journal?.remove(req.collection, req.docId, req.row);
          await ctx.target.insert(id, { id: req.docId, vector: req.vector }, opts);
        });
        log.insert(req.docId, req.vector);
        ctx.journal?.insert(req.collection, req.docId, req.vector);
        ctx.ledger.present(req.collection, req.docId, req.vector);
        return;
      case "metadata":
        if (req.kind === "get_collection") await ctx.target.getCollection(id, opts);
        else if (req.kind === "list_collections") await ctx.target.listCollections(opts);
        else await ctx.target.get(id, req.docId!, opts);
        return;
    }
  };
  return { execute, scoreRecall, measured: pending };
}
