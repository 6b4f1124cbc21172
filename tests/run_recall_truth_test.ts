import assert from "node:assert/strict";
import type { Dataset } from "../src/dataset/dataset.ts";
import { distance } from "../src/dataset/distance.ts";
import { computeGroundTruth } from "../src/dataset/ground_truth.ts";
import { planDocId } from "../src/plan/request_plan_ids.ts";
import { makeExecutor } from "../src/run/executor.ts";
import { IntegrityLedger } from "../src/run/integrity.ts";
import { RecallSeries } from "../src/run/recall_series.ts";
import { RecallTruth } from "../src/run/recall_truth.ts";
import type { ScenarioTarget } from "../src/targets/scenario_target.ts";
import { WriteLog } from "../src/run/write_log.ts";

async function dataset(): Promise<Dataset> {
  const dim = 8, size = 300, queries = 5, k = 20;
  let x = 1;
  const rand = () => (x = (x * 48271) % 2147483647) / 2147483647 - 0.5;
  const train = Float32Array.from({ length: size * dim }, rand);
  const test = Float32Array.from({ length: queries * dim }, rand);
  const gt = await computeGroundTruth(train, test, dim, k, "cosine");
  return {
    name: "t",
    metric: "cosine",
    size,
    dim,
    queries,
    k,
    train,
    test,
    neighbors: gt.neighbors,
    distances: gt.distances,
    hash: "",
  };
}

/** Brute force over the live state, independently of RecallTruth's shortcuts. */
function bruteForce(
  d: Dataset,
  rows: [number, number],
  q: number,
  removed: Set<number>,
  inserted: { docId: string; vector: Float32Array }[],
  k: number,
): string[] {
  const c: { id: string; d: number }[] = [];
  for (let r = rows[0]; r < rows[1]; r++) {
    if (!removed.has(r)) {
      c.push({ id: planDocId(1, -1, r), d: distance("cosine", d.test, q, d.train, r, d.dim) });
    }
  }
  for (const i of inserted) {
    c.push({ id: i.docId, d: distance("cosine", d.test, q, i.vector, 0, d.dim) });
  }
  return c.sort((a, b) => a.d - b.d).slice(0, k).map((x) => x.id);
}

Deno.test("truth = base − acknowledged removals + acknowledged inserts, at the search's snapshot", async () => {
  const d = await dataset();
  for (
    const collections of [[{ tenant: "", start: 0, end: 300 }], [
      { tenant: "", start: 0, end: 150 },
      { tenant: "", start: 150, end: 300 },
    ]]
  ) {
    const truth = await RecallTruth.prepare(d, collections, 1, 5);
    const c = collections.length - 1;
    const rows: [number, number] = [collections[c].start, collections[c].end];
    const log = new WriteLog();
    const before = log.snapshot();
    for (let q = 0; q < d.queries; q++) {
      assert.deepEqual(truth.truth(c, q, log, before), bruteForce(d, rows, q, new Set(), [], 5));
    }
    // Remove each query's current best base rows and insert a copy of a query.
    const removed = new Set<number>();
    for (let q = 0; q < d.queries; q++) {
      const top = bruteForce(d, rows, q, removed, [], 2);
      for (let r = rows[0]; r < rows[1]; r++) {
        if (top.includes(planDocId(1, -1, r))) {
          log.remove(r);
          removed.add(r);
        }
      }
    }
    const inserted = [{ docId: "inserted-0", vector: d.test.slice(0, d.dim) }];
    log.insert(inserted[0].docId, inserted[0].vector);
    const after = log.snapshot();
    for (let q = 0; q < d.queries; q++) {
      assert.deepEqual(
        truth.truth(c, q, log, after),
        bruteForce(d, rows, q, removed, inserted, 5),
        `collections=${collections.length} q=${q}`,
      );
      assert.deepEqual(truth.truth(c, q, log, before), bruteForce(d, rows, q, new Set(), [], 5));
    }
    assert.equal(truth.truth(c, 0, log, after)[0], "inserted-0", "an exact copy of the query wins");
  }
});

Deno.test("truth with many inserts: incremental per query, exact for searches completing out of order", async () => {
  const d = await dataset();
  const collections = [{ tenant: "", start: 0, end: 300 }];
  const truth = await RecallTruth.prepare(d, collections, 1, 5);
  const log = new WriteLog();
  const inserted: { docId: string; vector: Float32Array }[] = [];
  let x = 7;
  const rand = () => (x = (x * 48271) % 2147483647) / 2147483647;
  const snaps: { snap: ReturnType<WriteLog["snapshot"]>; count: number }[] = [];
  for (let i = 0; i < 600; i++) {
    // Near-query inserts (some exact copies, so ties and newcomers beating old ones happen).
    const q = Math.floor(rand() * d.queries);
    const vector = d.test.slice(q * d.dim, (q + 1) * d.dim);
    if (i % 3 !== 0) { for (let j = 0; j < d.dim; j++) vector[j] += (rand() - 0.5) * 0.3; }
    inserted.push({ docId: `ins-${i}`, vector });
    log.insert(`ins-${i}`, vector);
    if (i % 10 === 0) snaps.push({ snap: log.snapshot(), count: inserted.length });
  }
  // In send order, then older snapshots again (searches that completed late), interleaved.
  const order = [...snaps.keys(), ...[...snaps.keys()].reverse()];
  for (const s of order) {
    const { snap, count } = snaps[s];
    for (let q = 0; q < d.queries; q++) {
      assert.deepEqual(
        truth.truth(0, q, log, snap),
        bruteForce(d, [0, 300], q, new Set(), inserted.slice(0, count), 5),
        `snapshot of ${count} inserts, q=${q}`,
      );
    }
  }
});

Deno.test("measured searches are scored after the load, against the state each was sent in", async () => {
  const d = await dataset();
  const collections = [{ tenant: "", start: 0, end: 150 }, { tenant: "", start: 150, end: 300 }];
  const series = new RecallSeries(5);
  const logs = collections.map(() => new WriteLog());
  const answers: string[][] = [];
  const target = {
    search: () => Promise.resolve(answers.shift()!.map((id) => ({ id, score: 0 }))),
    insert: () => Promise.resolve(),
  } as unknown as ScenarioTarget;
  const { execute, scoreRecall } = makeExecutor({
    target,
    collectionIds: ["a", "b"],
    apiKeys: new Map(),
    logs,
    ledger: new IntegrityLedger(),
    recall: { truth: await RecallTruth.prepare(d, collections, 1, 5), series, k: 5 },
    elapsedS: () => 0.5,
  });
  const signal = new AbortController().signal;
  const search = (collection: number, query: number) =>
    execute({ op: "search", tenant: "", collection, query, vector: d.test }, signal);
  // Collection 0 answers exactly before an insert that takes its first place, then stale.
  answers.push(bruteForce(d, [0, 150], 0, new Set(), [], 5));
  await search(0, 0);
  const copy = d.test.slice(0, d.dim);
  await execute({ op: "insert", tenant: "", collection: 0, docId: "copy", vector: copy }, signal);
  answers.push(bruteForce(d, [0, 150], 0, new Set(), [], 5));
  await search(0, 0);
  // Collection 1 answers with collection 0's rows: nothing right.
  answers.push(bruteForce(d, [0, 150], 1, new Set(), [], 5));
  await search(1, 1);
  assert.equal(series.result().samples, 0, "nothing is scored while the load runs");
  scoreRecall();
  const r = series.result();
  assert.equal(r.samples, 3);
  assert.ok(Math.abs(r.overall! - (1 + 0.8 + 0) / 3) < 1e-12, `overall ${r.overall}`);
});
