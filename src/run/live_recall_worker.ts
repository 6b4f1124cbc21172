/// <reference lib="deno.worker" />
/**
 * Worker of LiveRecall: rebuilds the run's RecallTruth, keeps a copy of each collection's write
 * log from the batches it is sent, scores each batch's measured searches exactly as the final
 * scoring does and posts the recall of everything scored so far.
 */
import type { LiveRecallRequest, LiveRecallScore } from "./live_recall.ts";
import { RecallSeries } from "./recall_series.ts";
import { RecallTruth } from "./recall_truth.ts";
import { scoreSearches } from "./score_searches.ts";
import { WriteLog } from "./write_log.ts";

let state: { truth: RecallTruth; series: RecallSeries; k: number; logs: WriteLog[] } | null = null;

self.onmessage = (e: MessageEvent<LiveRecallRequest>) => {
  const msg = e.data;
  if (msg.type === "init") {
    const truth = RecallTruth.fromPortable(msg.truth);
    state = {
      truth,
      series: new RecallSeries(truth.k),
      k: truth.k,
      logs: Array.from({ length: msg.collections }, () => new WriteLog()),
    };
    return;
  }
  const s = state!;
  msg.writes.forEach((w, c) => {
    const dim = w.docIds.length === 0 ? 0 : w.vectors.length / w.docIds.length;
    w.docIds.forEach((docId, i) =>
      s.logs[c].insert(docId, w.vectors.subarray(i * dim, (i + 1) * dim))
    );
    for (const row of w.removed) s.logs[c].remove(row);
  });
  scoreSearches(msg.searches, s.logs, s);
  const { overall, samples } = s.series.result();
  const score: LiveRecallScore = { k: s.k, overall, samples };
  self.postMessage(score);
};
