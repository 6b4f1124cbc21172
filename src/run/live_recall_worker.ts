/// <reference lib="deno.worker" />
/**
 * Worker of LiveRecall: rebuilds the run's RecallTruth, keeps a copy of each collection's write
 * log from the batches it is sent, scores each batch's measured searches exactly as the final
 * scoring does and posts the recall of everything scored so far. With load workers' journals
 * (`run --workers N`), it orders their writes by acknowledgement time as scorePooledRecall does,
 * up to the time every worker has reported past.
 */
import { decodeVector, type JournalSearch, type JournalWrite } from "./write_journal.ts";
import type { LiveRecallRequest, LiveRecallScore } from "./live_recall.ts";
import { RecallSeries } from "./recall_series.ts";
import { RecallTruth } from "./recall_truth.ts";
import { countUpTo, type MeasuredSearch, scoreSearches } from "./score_searches.ts";
import { WriteLog } from "./write_log.ts";

interface State {
  truth: RecallTruth;
  series: RecallSeries;
  k: number;
  logs: WriteLog[];
  /** Pooled journals: each worker's last report time, and what is not yet applied or scored. */
  reported: number[];
  writes: { w: JournalWrite; s: number; i: number }[];
  seq: number[];
  searches: JournalSearch[];
  insertedAt: number[][];
  removedAt: number[][];
}

let state: State | null = null;

/** Applies the pooled writes and scores the pooled searches up to what every worker reported. */
function pooled(s: State): MeasuredSearch[] {
  const mark = Math.min(...s.reported);
  const ready = s.writes.filter((x) => x.w.at <= mark);
  s.writes = s.writes.filter((x) => x.w.at > mark);
  ready.sort((a, b) => a.w.at - b.w.at || a.s - b.s || a.i - b.i);
  for (const { w } of ready) {
    if ("vector" in w) {
      s.logs[w.collection].insert(w.docId, decodeVector(w.vector));
      s.insertedAt[w.collection].push(w.at);
    } else {
      s.logs[w.collection].remove(w.row);
      s.removedAt[w.collection].push(w.at);
    }
  }
  const due = s.searches.filter((x) => x.sentAt <= mark);
  s.searches = s.searches.filter((x) => x.sentAt > mark);
  return due.map((x) => ({
    collection: x.collection,
    query: x.query,
    ids: x.ids,
    snap: {
      inserted: countUpTo(s.insertedAt[x.collection], x.sentAt),
      removed: countUpTo(s.removedAt[x.collection], x.sentAt),
    },
    t: 0,
  }));
}

self.onmessage = (e: MessageEvent<LiveRecallRequest>) => {
  const msg = e.data;
  if (msg.type === "init") {
    const truth = RecallTruth.fromPortable(msg.truth);
    const perCollection = () => Array.from({ length: msg.collections }, () => [] as number[]);
    state = {
      truth,
      series: new RecallSeries(truth.k),
      k: truth.k,
      logs: Array.from({ length: msg.collections }, () => new WriteLog()),
      reported: Array.from({ length: msg.workers }, () => -Infinity),
      writes: [],
      seq: Array.from({ length: msg.workers }, () => 0),
      searches: [],
      insertedAt: perCollection(),
      removedAt: perCollection(),
    };
    return;
  }
  const s = state!;
  let searches: MeasuredSearch[];
  if (msg.type === "journal") {
    for (const w of msg.delta.writes) s.writes.push({ w, s: msg.worker, i: s.seq[msg.worker]++ });
    s.searches.push(...msg.delta.searches);
    s.reported[msg.worker] = msg.delta.reportedAt;
    searches = pooled(s);
  } else {
    msg.writes.forEach((w, c) => {
      const dim = w.docIds.length === 0 ? 0 : w.vectors.length / w.docIds.length;
      w.docIds.forEach((docId, i) =>
        s.logs[c].insert(docId, w.vectors.subarray(i * dim, (i + 1) * dim))
      );
      for (const row of w.removed) s.logs[c].remove(row);
    });
    searches = msg.searches;
  }
  scoreSearches(searches, s.logs, s);
  const { overall, samples } = s.series.result();
  const score: LiveRecallScore = { k: s.k, overall, samples };
  self.postMessage(score);
};
