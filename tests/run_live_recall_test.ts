import assert from "node:assert/strict";
import type { Dataset } from "../src/dataset/dataset.ts";
import { computeGroundTruth } from "../src/dataset/ground_truth.ts";
import { planDocId } from "../src/plan/request_plan_ids.ts";
import { LiveRecall, type LiveRecallScore } from "../src/run/live_recall.ts";
import { RecallSeries } from "../src/run/recall_series.ts";
import { RecallTruth } from "../src/run/recall_truth.ts";
import { type MeasuredSearch, scoreSearches } from "../src/run/score_searches.ts";
import { WriteLog } from "../src/run/write_log.ts";
import { encodeVector, WriteJournal } from "../src/run/write_journal.ts";
import { scorePooledRecall } from "../src/run/pooled_truth.ts";
import { startStatusLines } from "../src/cli/status_line.ts";
import { LiveMetrics } from "../src/metrics/live_metrics.ts";
import { runScenario } from "../src/run/run_scenario.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import { ReferenceTarget } from "../src/targets/reference.ts";

const DIM = 8, SIZE = 400, QUERIES = 6, K = 10, SEED = 3;
const COLLECTIONS = [{ tenant: "", start: 0, end: 200 }, { tenant: "", start: 200, end: 400 }];

function lcg(seed: number) {
  let x = seed;
  return () => (x = (x * 48271) % 2147483647) / 2147483647;
}

async function dataset(): Promise<Dataset> {
  const rand = lcg(7);
  const train = Float32Array.from({ length: SIZE * DIM }, () => rand() - 0.5);
  const test = Float32Array.from({ length: QUERIES * DIM }, () => rand() - 0.5);
  const gt = await computeGroundTruth(train, test, DIM, K, "cosine");
  return {
    name: "t",
    metric: "cosine",
    size: SIZE,
    dim: DIM,
    queries: QUERIES,
    k: K,
    train,
    test,
    neighbors: gt.neighbors,
    distances: gt.distances,
    hash: "",
  };
}

/** The final scoring (what the RunResult gets) of `searches` against `logs`. */
async function finalScore(d: Dataset, logs: WriteLog[], searches: MeasuredSearch[]) {
  const truth = await RecallTruth.prepare(d, COLLECTIONS, SEED, K);
  const series = new RecallSeries(K);
  scoreSearches(searches.map((s) => ({ ...s })), logs, { truth, series, k: K });
  return series.result();
}

Deno.test("live recall: the worker's running recall is the final scoring's, batch by batch, with inserts and removals", async () => {
  const d = await dataset();
  const rand = lcg(11);
  const logs = COLLECTIONS.map(() => new WriteLog());
  const measured: MeasuredSearch[] = [];
  const scores: LiveRecallScore[] = [];
  const live = new LiveRecall(
    await RecallTruth.prepare(d, COLLECTIONS, SEED, K),
    true,
    logs,
    measured,
    (s) => scores.push(s),
  );
  const all: MeasuredSearch[] = [];
  try {
    let inserted = 0;
    // Three "seconds": writes (a removal of most base rows, so the truth must rescan a
    // collection; inserts near the queries, so they enter top-k) and measured searches sent at
    // snapshots in between, whose results mix true neighbours and misses.
    for (let second = 0; second < 3; second++) {
      for (let step = 0; step < 300; step++) {
        const c = step % 2;
        const log = logs[c];
        if (rand() < 0.25) {
          const q = Math.floor(rand() * QUERIES);
          const v = Float32Array.from(
            { length: DIM },
            (_, i) => d.test[q * DIM + i] + (rand() - 0.5) * 0.2,
          );
          log.insert(`ins-${inserted++}`, v);
        } else {
          const col = COLLECTIONS[c];
          log.remove(col.start + Math.floor(rand() * (col.end - col.start)));
        }
        const query = Math.floor(rand() * QUERIES);
        const snap = log.snapshot();
        const ids: string[] = [];
        for (let i = 0; i < K; i++) {
          const row = COLLECTIONS[c].start + Math.floor(rand() * 30);
          ids.push(
            rand() < 0.5 && log.inserted.length > 0
              ? log.inserted[Math.floor(rand() * log.inserted.length)].docId
              : planDocId(SEED, -1, row),
          );
        }
        const search = { collection: c, query, ids, snap, t: second + step / 300 };
        measured.push(search);
        all.push(search);
      }
      live.flush();
      await live.scored();
      const expected = await finalScore(d, logs, all);
      const got = scores.at(-1)!;
      assert.equal(got.samples, all.length);
      assert.equal(got.k, K);
      assert.ok(expected.overall! > 0.05 && expected.overall! < 0.95, `${expected.overall}`);
      assert.ok(
        Math.abs(got.overall! - expected.overall!) < 1e-12,
        `second ${second}: live ${got.overall}, final ${expected.overall}`,
      );
    }
    assert.ok(logs.every((l) => l.removed.size > 140), "most base rows removed");
    assert.equal(scores.length, 3);
  } finally {
    live.close();
  }
});

Deno.test("live recall in a run: the status line prints the recall of the searches scored so far while the load runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-live-recall-" });
  const target = await ReferenceTarget.start();
  const live = new LiveMetrics();
  const ticks: (() => void)[] = [];
  const lines: string[] = [];
  const status = startStatusLines({
    status: () => live.status(),
    write: (l) => lines.push(l),
    every: (_ms, tick) => {
      ticks.push(tick);
      return () => {};
    },
  });
  const stop = new AbortController();
  try {
    const scenario = parseScenario(
      `name: Recall live
seed: 5
duration: 60s
load: { type: constant, qps: 40 }
concurrency: 8
mix: { search: 60, insert: 20, delete: 10, update: 10 }
dataset: { size: 300, dim: 16, metric: cosine, clusters: 4, queries: 20, k: 20, collections: 2 }
recall: { share: 50%, k: 5 }
criteria: [ "recall@5 > 0.5" ]
`,
      "recall.yaml",
      "full",
    );
    const run = runScenario(scenario, target, { datasetDir: dir, live, signal: stop.signal });
    // The run is stopped below, by the test: a recall seen before is a recall during the load.
    const deadline = performance.now() + 60_000; // a liveness bound, not a timing claim
    while (!(live.status()?.running && live.status()?.recall)) {
      if (performance.now() > deadline) throw new Error("no live recall");
      await new Promise((r) => setTimeout(r, 50));
    }
    ticks.forEach((t) => t());
    const seen = live.status()!.recall!;
    assert.match(lines.at(-1)!, /, recall@5 \d\.\d{3} \(\d+ searches\), /);
    assert.ok(lines.at(-1)!.startsWith("recall@reference "), lines.at(-1));
    stop.abort();
    const result = await run;
    assert.equal(result.status, "interrupted");
    assert.ok(
      result.recall!.samples >= seen.samples,
      `${result.recall!.samples} ≥ ${seen.samples}`,
    );
    assert.deepEqual(live.status()!.recall, {
      k: 5,
      value: result.recall!.overall,
      samples: result.recall!.samples,
    });
  } finally {
    status.stop();
    stop.abort();
    await target.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("live recall over load workers' journals: the pooled scoring's recall, whatever order the workers report in", async () => {
  const d = await dataset();
  const rand = lcg(5);
  const journals = [new WriteJournal(K, () => 0), new WriteJournal(K, () => 0)];
  const scores: LiveRecallScore[] = [];
  const live = new LiveRecall(
    await RecallTruth.prepare(d, COLLECTIONS, SEED, K),
    true,
    COLLECTIONS.map(() => new WriteLog()),
    [],
    (s) => scores.push(s),
    2,
  );
  const sent = journals.map(() => ({ searches: 0, writes: 0 }));
  const report = (w: number, reportedAt: number) => {
    const j = journals[w];
    live.journal(w, {
      searches: j.searches.slice(sent[w].searches),
      writes: j.writes.slice(sent[w].writes),
      reportedAt,
    });
    sent[w] = { searches: j.searches.length, writes: j.writes.length };
  };
  try {
    // Both workers write and search in the same time line (ms 0..1799, one event per ms, each
    // by one of them); they report every 300 ms, worker 1 a report behind worker 0, so its
    // writes acknowledged before worker 0's searches arrive after them.
    let inserted = 0;
    const insertedIds: string[][] = COLLECTIONS.map(() => []);
    for (let at = 0; at < 1800; at++) {
      const w = Math.floor(rand() * 2);
      const c = Math.floor(rand() * 2);
      const col = COLLECTIONS[c];
      const u = rand();
      if (u < 0.3) {
        const q = Math.floor(rand() * QUERIES);
        const v = Float32Array.from({ length: DIM }, (_, i) => d.test[q * DIM + i] + rand() * 0.1);
        const docId = `ins-${inserted++}`;
        insertedIds[c].push(docId);
        journals[w].writes.push({ collection: c, at, docId, vector: encodeVector(v) });
      } else if (u < 0.6) {
        const row = col.start + Math.floor(rand() * (col.end - col.start));
        journals[w].writes.push({ collection: c, at, docId: planDocId(SEED, -1, row), row });
      } else {
        const ids = Array.from(
          { length: K },
          () =>
            rand() < 0.5 && insertedIds[c].length > 0
              ? insertedIds[c][Math.floor(rand() * insertedIds[c].length)]
              : planDocId(SEED, -1, col.start + Math.floor(rand() * 40)),
        );
        journals[w].searches.push({
          collection: c,
          query: Math.floor(rand() * QUERIES),
          ids,
          sentAt: at + 0.5,
        });
      }
      if (at % 300 === 299) {
        report(0, at + 0.9);
        if (at >= 599) report(1, at - 300 + 0.9);
      }
    }
    report(1, 1799.9);
    await live.scored();
    const truth = await RecallTruth.prepare(d, COLLECTIONS, SEED, K);
    const series = new RecallSeries(K);
    scorePooledRecall(journals.map((j) => j.data()), 2, 0, { truth, series, k: K });
    const expected = series.result();
    const got = scores.at(-1)!;
    assert.equal(got.samples, expected.samples);
    assert.ok(expected.overall! > 0.01 && expected.overall! < 0.95, `${expected.overall}`);
    assert.ok(
      Math.abs(got.overall! - expected.overall!) < 1e-12,
      `${got.overall} ${expected.overall}`,
    );
  } finally {
    live.close();
  }
});
