/**
 * What live recall costs the load generator: the once-a-second `LiveRecall.flush` (copying the
 * second's acknowledged writes and measured searches into one message) is the only part on the
 * generator's event loop; the scoring runs in the worker. Simulates --seconds of a run on the
 * baseline's full dataset (10k × 512-d cosine, cached in datasets/) with --searches measured
 * searches, --inserts and --deletes acknowledged writes per second, and prints the flush's time
 * per second (wall time, and the thread's CPU time summed over all flushes) and the worker's time
 * to score each second's batch (which must stay under 1 s to keep up).
 *
 *   deno run -A bench/live_recall.ts [--seconds 30] [--searches 100] [--inserts 50] [--deletes 10]
 */
import { parseArgs } from "node:util";
import { loadOrGenerate } from "../src/dataset/cache.ts";
import { planDocId } from "../src/plan/request_plan_ids.ts";
import { LiveRecall } from "../src/run/live_recall.ts";
import { RecallTruth } from "../src/run/recall_truth.ts";
import type { MeasuredSearch } from "../src/run/score_searches.ts";
import { WriteLog } from "../src/run/write_log.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    searches: { type: "string", default: "100" },
    inserts: { type: "string", default: "50" },
    deletes: { type: "string", default: "10" },
    k: { type: "string", default: "10" },
  },
  strict: true,
});
const [seconds, searches, inserts, deletes, k] = [
  values.seconds,
  values.searches,
  values.inserts,
  values.deletes,
  values.k,
].map(Number);

const dataset = await loadOrGenerate({
  size: 10000,
  dim: 512,
  queries: 500,
  k: 100,
  metric: "cosine",
  distribution: "clustered",
  clusters: 64,
  seed: 1,
});
const { dim, size, queries, test } = dataset;
const collections = [{ tenant: "", start: 0, end: size }];
const truth = await RecallTruth.prepare(dataset, collections, 1, k);
const logs = [new WriteLog()];
const measured: MeasuredSearch[] = [];
const live = new LiveRecall(truth, deletes > 0, logs, measured, () => {});

/**
 * This thread's CPU time (ms) from /proc/thread-self/stat (utime + stime, in clock ticks of
 * 10 ms): summed over many flushes it tells their CPU cost apart from the time the busy machine
 * preempts the thread for, which inflates wall times.
 */
function threadCpuMs(): number {
  const stat = Deno.readTextFileSync("/proc/thread-self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

let x = 12345;
const rand = () => (x = (x * 48271) % 2147483647) / 2147483647;
const flushMs: number[] = [];
const scoreMs: number[] = [];
let flushCpuMs = 0;
let inserted = 0;
for (let s = 0; s < seconds; s++) {
  // A second of the load: writes and searches interleaved, as acknowledged.
  for (let i = 0; i < Math.max(searches, inserts, deletes); i++) {
    if (i < inserts) {
      const q = Math.floor(rand() * queries);
      const v = Float32Array.from({ length: dim }, (_, j) => test[q * dim + j] + rand() * 0.05);
      logs[0].insert(`ins-${inserted++}`, v);
    }
    if (i < deletes) logs[0].remove(Math.floor(rand() * size));
    if (i < searches) {
      const ids = Array.from({ length: k }, () => planDocId(1, -1, Math.floor(rand() * size)));
      const query = Math.floor(rand() * queries);
      measured.push({ collection: 0, query, ids, snap: logs[0].snapshot(), t: s + i / searches });
    }
  }
  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  live.flush();
  const t1 = performance.now();
  flushCpuMs += threadCpuMs() - cpu0;
  await live.scored();
  flushMs.push(t1 - t0);
  scoreMs.push(performance.now() - t1);
}
live.close();

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return `median ${at(0.5).toFixed(3)} ms, p90 ${at(0.9).toFixed(3)} ms, max ${
    sorted.at(-1)!.toFixed(3)
  } ms`;
};
console.log(
  `${seconds} s × (${searches} measured searches, ${inserts} inserts, ${deletes} deletes) per ` +
    `second, ${size} × ${dim}-d, k ${k}`,
);
console.log(`flush on the generator's event loop, per second: ${stats(flushMs)}`);
console.log(
  `flush CPU of the generator's thread: ${flushCpuMs} ms over ${seconds} flushes ` +
    `(${(flushCpuMs / seconds).toFixed(2)} ms each; 10 ms ticks)`,
);
console.log(`worker's scoring of a second's batch:            ${stats(scoreMs)}`);
