import type { Dataset } from "../dataset/dataset.ts";
import type { PlanCollection } from "../plan/request_plan.ts";
import { planDocId } from "../plan/request_plan_ids.ts";
import { IntegrityLedger } from "./integrity.ts";
import type { RecallSeries } from "./recall_series.ts";
import type { RecallTruth } from "./recall_truth.ts";
import { countUpTo, type MeasuredSearch, scoreSearches } from "./score_searches.ts";
import { WriteLog } from "./write_log.ts";
import { decodeVector, type JournalData, type JournalWrite } from "./write_journal.ts";

/** Every journal's writes in acknowledgement order (ties: journal order, then write order). */
function writesInOrder(journals: JournalData[]): JournalWrite[] {
  const all = journals.flatMap((j, s) => j.writes.map((w, i) => ({ w, s, i })));
  all.sort((a, b) => a.w.at - b.w.at || a.s - b.s || a.i - b.i);
  return all.map((x) => x.w);
}

/**
 * Scores the measured searches of all journals (every shard's) against the writes of all
 * journals: per collection one write log in acknowledgement order, and each search's snapshot
 * is the writes acknowledged before it was sent, as a single process's write log would have
 * held them. `loadStartEpochMs` is the load's common start (the recall series' second 0).
 */
export function scorePooledRecall(
  journals: JournalData[],
  collectionCount: number,
  loadStartEpochMs: number,
  recall: { truth: RecallTruth; series: RecallSeries; k: number },
): void {
  const logs = Array.from({ length: collectionCount }, () => new WriteLog());
  const insertedAt: number[][] = logs.map(() => []);
  const removedAt: number[][] = logs.map(() => []);
  for (const w of writesInOrder(journals)) {
    if ("vector" in w) {
      logs[w.collection].insert(w.docId, decodeVector(w.vector));
      insertedAt[w.collection].push(w.at);
    } else {
      logs[w.collection].remove(w.row);
      removedAt[w.collection].push(w.at);
    }
  }
  const searches: MeasuredSearch[] = journals.flatMap((j) =>
    j.searches.map((s) => ({
      collection: s.collection,
      query: s.query,
      ids: s.ids,
      snap: {
        inserted: countUpTo(insertedAt[s.collection], s.sentAt),
        removed: countUpTo(removedAt[s.collection], s.sentAt),
      },
      t: Math.max(0, (s.sentAt - loadStartEpochMs) / 1000),
    }))
  );
  scoreSearches(searches, logs, recall);
}

/**
 * The integrity ledger of a sharded run: every bulk-loaded base row present (setup loads them
 * all or fails), then every journal's acknowledged writes in acknowledgement order, with the
 * documents whose writes failed left out as unverifiable.
 */
export function pooledLedger(
  journals: JournalData[],
  collections: PlanCollection[],
  dataset: Dataset,
  seed: number,
): IntegrityLedger {
  const ledger = new IntegrityLedger();
  const { dim, train } = dataset;
  for (const [c, col] of collections.entries()) {
    for (let row = col.start; row < col.end; row++) {
      ledger.present(
        c,
        planDocId(seed, -1, row),
        train.subarray(row * dim, (row + 1) * dim),
        false,
      );
    }
  }
  for (const j of journals) for (const docId of j.uncertain) ledger.uncertain(docId);
  for (const w of writesInOrder(journals)) {
    if ("vector" in w) ledger.present(w.collection, w.docId, decodeVector(w.vector));
    else ledger.absent(w.collection, w.docId);
  }
  return ledger;
}
