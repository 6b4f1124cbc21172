import type { RecallSeries } from "./recall_series.ts";
import type { RecallTruth } from "./recall_truth.ts";
import type { WriteLog, WriteSnapshot } from "./write_log.ts";

/** A measured search to score: what it returned, the writes it was sent against, when (s). */
export interface MeasuredSearch {
  collection: number;
  query: number;
  ids: string[];
  snap: WriteSnapshot;
  t: number;
}

/**
 * Scores measured searches into `series`. Each (collection, query) pair is scored in write-log
 * order, so the truth's incremental scan of inserted vectors never has to start over.
 */
export function scoreSearches(
  searches: MeasuredSearch[],
  logs: WriteLog[],
  recall: { truth: RecallTruth; series: RecallSeries; k: number },
): void {
  searches.sort((a, b) =>
    a.collection - b.collection || a.query - b.query || a.snap.inserted - b.snap.inserted
  );
  for (const p of searches) {
    const truth = recall.truth.truth(p.collection, p.query, logs[p.collection], p.snap);
    const set = new Set(truth);
    let hits = 0;
    for (const id of p.ids.slice(0, recall.k)) if (set.delete(id)) hits++;
    recall.series.add(p.t, hits / Math.max(1, truth.length));
  }
}

/**
 * How many of the sorted `times` are ≤ `t`: the writes a search sent at `t` could see (the pooled
 * and the live scoring both place searches among the writes this way).
 */
export function countUpTo(times: number[], t: number): number {
  let lo = 0, hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
