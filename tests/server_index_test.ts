import assert from "node:assert/strict";
import { Collection } from "../src/server/collection.ts";
import { DEFAULT_INDEX_PARAMS, type IndexParams } from "../src/server/collection_meta.ts";
import { CollectionIndex } from "../src/server/collection_index.ts";
import { VectorStore } from "../src/server/vector_store.ts";
import { prng } from "./server_http_client.ts";

const DIM = 32;

function filled(n: number, seed: number): Float32Array {
  const next = prng(seed);
  return Float32Array.from({ length: n * DIM }, () => next() * 2 - 1);
}

function collection(
  metric: "cosine" | "l2" | "dot",
  exactThreshold: number,
  quantization: IndexParams["quantization"] = "auto",
) {
  return new Collection({
    id: "c",
    name: "c",
    dimension: DIM,
    metric,
    owner: "default",
    embeddingModel: null,
    createdAt: 0,
    index: { ...DEFAULT_INDEX_PARAMS, exactThreshold, quantization },
  });
}

async function exactTop(
  c: Collection,
  data: Float32Array,
  q: Float32Array,
  k: number,
): Promise<string[]> {
  const exact = collection(c.meta.metric, 1e9);
  for (let i = 0; i < data.length / DIM; i++) {
    if (c.hasDocument(`d${i}`)) {
      exact.applyInsert(`d${i}`, null, 0, data.subarray(i * DIM, (i + 1) * DIM));
    }
  }
  return (await exact.query(q, k)).map((h) => h.docId);
}

Deno.test("collection index: HNSW after merging matches exact search (recall@10 ≥ 0.95)", async () => {
  const cases = [["cosine", "i8"], ["cosine", "f16"], ["l2", "f16"], ["dot", "f16"]] as const;
  for (const [metric, quantization] of cases) {
    const c = collection(metric, 100, quantization);
    const data = filled(3000, 5);
    for (let i = 0; i < 3000; i++) {
      c.applyInsert(`d${i}`, null, 0, data.subarray(i * DIM, (i + 1) * DIM));
    }
    for (let i = 0; i < 3000; i += 7) c.applyDelete(`d${i}`);
    while (c.index.pendingCount > 0) c.index.merge(50, c.documentCount);
    assert.ok(c.index.graphSize > 2000, `${metric}: graph built`);
    assert.equal(c.index.params.quantization, quantization);
    const queries = filled(30, 9);
    let hits = 0;
    for (let q = 0; q < 30; q++) {
      const query = queries.subarray(q * DIM, (q + 1) * DIM);
      const got = (await c.query(query, 10)).map((h) => h.docId);
      assert.ok(got.every((id) => Number(id.slice(1)) % 7 !== 0), "deleted docs never returned");
      const truth = new Set(await exactTop(c, data, query, 10));
      hits += got.filter((id) => truth.has(id)).length;
    }
    assert.ok(hits / 300 >= 0.95, `${metric} ${quantization}: recall ${hits / 300}`);
  }
});

Deno.test("collection index: quantization auto is i8 for cosine and f16 for l2 and dot", () => {
  assert.equal(collection("cosine", 100).index.params.quantization, "i8");
  assert.equal(collection("l2", 100).index.params.quantization, "f16");
  assert.equal(collection("dot", 100).index.params.quantization, "f16");
  assert.equal(collection("cosine", 100, "f32").index.params.quantization, "f32");
});

Deno.test("collection index: a serialized graph restores to the same results", async () => {
  const c = collection("l2", 10);
  const data = filled(500, 3);
  for (let i = 0; i < 500; i++) {
    c.applyInsert(`d${i}`, null, 0, data.subarray(i * DIM, (i + 1) * DIM));
  }
  while (c.index.pendingCount > 0) c.index.merge(50, c.documentCount);
  const bytes = await c.index.serializeGraph();
  assert.ok(bytes && bytes.length > 500 * DIM * 2);
  const query = filled(1, 4);
  const before = await c.query(query, 5);
  c.index.dropGraph(c.liveSlots());
  assert.equal(c.index.graphSize, 0);
  assert.equal(c.index.pendingCount, 500);
  assert.equal(c.index.merge(50, c.documentCount), 0, "a detached graph is not rebuilt");
  assert.equal(c.index.graphSize, 0);
  await c.index.restoreGraph(bytes);
  c.index.resetPending(c.liveSlots());
  assert.equal(c.index.pendingCount, 0);
  assert.deepEqual(await c.query(query, 5), before);
});

Deno.test("collection index: exact search equals brute force (every metric, ties by slot)", async () => {
  const dim = 33; // not a multiple of the similarity loop's 4-way unrolling
  const next = prng(3);
  const cases = [
    // Few removals; queries and the adopted base are views at an offset into a larger buffer.
    { metric: "cosine", live: (slot: number) => slot % 5 !== 0, views: true },
    { metric: "l2", live: (slot: number) => slot % 5 !== 0, views: false },
    { metric: "dot", live: (slot: number) => slot % 5 !== 0, views: true },
    // 90 % removed: the native scan must widen beyond its first k + margin candidates.
    { metric: "cosine", live: (slot: number) => slot % 10 === 3, views: false },
  ] as const;
  for (const { metric, live, views } of cases) {
    const store = new VectorStore(dim);
    const n = 1500; // crosses a 1,024-slot block boundary after an adopted base of 200
    const data = Float32Array.from({ length: n * dim }, () => Math.round(next() * 8 - 4) / 4);
    // Exact ties: slots 1100.. repeat slots 0.., on both sides of the block boundary.
    data.copyWithin(1100 * dim, 0, 300 * dim);
    const at = (array: Float32Array) => {
      if (!views) return array.slice();
      const padded = new Float32Array(array.length + 7);
      padded.set(array, 7);
      return padded.subarray(7);
    };
    store.adopt(at(data.subarray(0, 200 * dim)));
    for (let slot = 200; slot < n; slot++) {
      store.append(data.subarray(slot * dim, (slot + 1) * dim));
    }
    const index = new CollectionIndex(
      metric,
      { ...DEFAULT_INDEX_PARAMS, exactThreshold: 1e9 },
      store,
      live,
    );
    for (let slot = 0; slot < n; slot++) index.add(slot);
    const liveCount = Array.from({ length: n }, (_, slot) => slot).filter(live).length;
    for (let q = 0; q < 20; q++) {
      // Queries equal to stored vectors, so exact ties (duplicates) occur.
      const row = (q * 37) % 300;
      const query = at(data.subarray(row * dim, (row + 1) * dim));
      const truth: { slot: number; score: number }[] = [];
      for (let slot = 0; slot < n; slot++) {
        if (!live(slot)) continue;
        let dot = 0, qq = 0, vv = 0, l2 = 0;
        for (let i = 0; i < dim; i++) {
          const v = data[slot * dim + i];
          dot += query[i] * v;
          qq += query[i] * query[i];
          vv += v * v;
          l2 += (query[i] - v) ** 2;
        }
        const score = metric === "dot"
          ? dot
          : metric === "l2"
          ? -Math.sqrt(l2)
          : dot / (Math.sqrt(qq) * Math.sqrt(vv));
        truth.push({ slot, score });
      }
      truth.sort((a, b) => b.score - a.score || a.slot - b.slot);
      for (const k of [1, 10, 2000]) {
        const got = await index.search(query, k, liveCount);
        const want = truth.slice(0, k);
        assert.deepEqual(got.map((h) => h.slot), want.map((h) => h.slot), `${metric} q${q} k${k}`);
        for (let i = 0; i < got.length; i++) {
          assert.ok(Math.abs(got[i].score - want[i].score) < 1e-9, `${metric} score`);
        }
      }
    }
  }
});

Deno.test("collection: merges running while an evicted collection loads never re-add its graph's slots", async () => {
  const c = collection("cosine", 100);
  const data = filled(600, 11);
  for (let i = 0; i < 600; i++) {
    c.applyInsert(`d${i}`, null, 0, data.subarray(i * DIM, (i + 1) * DIM));
  }
  while (c.index.pendingCount > 0) c.index.merge(50, c.documentCount);
  for (let i = 600; i < 610; i++) c.applyInsert(`d${i}`, null, 0, filled(1, i)); // still pending
  const image = await c.encodeImage();
  c.evict({ file: null, objectKey: "images/c" });
  // The store's merge timer can fire at each of the load's awaits: the graph is restored through
  // a temporary file. A merge runs each time one of those file operations completes, before the
  // load resumes, so every such point is exercised on every run (a timer loop beside the load
  // hit them only when the I/O happened to outlast a timer turn).
  const graphSizeAtMerges: number[] = [];
  await runningAfterFileOps(() => {
    c.index.merge(1, c.documentCount);
    graphSizeAtMerges.push(c.index.graphSize);
  }, () => c.load(image));
  assert.ok(graphSizeAtMerges.length > 1, "merges ran while the image loaded");
  assert.ok(graphSizeAtMerges.some((size) => size >= 600), "a merge ran after the graph came back");
  while (c.index.pendingCount > 0) c.index.merge(50, c.documentCount);
  assert.equal(c.index.graphSize, 610, "each live slot in the graph once");
  const q = data.subarray(5 * DIM, 6 * DIM);
  assert.equal((await c.query(q, 1))[0].docId, "d5");
});

Deno.test("collection index: vectors beyond float16's range are found in f16 graphs (searched exactly)", async () => {
  for (const metric of ["l2", "dot"] as const) {
    const c = collection(metric, 100, "f16");
    const data = filled(3000, 21);
    data.fill(1e6, 100 * DIM, 101 * DIM); // beyond ±65,504: Infinity in an f16 graph
    data.fill(-3e38, 2000 * DIM, 2001 * DIM);
    for (let i = 0; i < 3000; i++) {
      c.applyInsert(`d${i}`, null, 0, data.subarray(i * DIM, (i + 1) * DIM));
    }
    while (c.index.pendingCount > 0) c.index.merge(50, c.documentCount);
    assert.equal(c.index.graphSize, 2998, `${metric}: the two out-of-range vectors stay out`);
    for (const i of [100, 2000]) {
      const own = data.subarray(i * DIM, (i + 1) * DIM);
      assert.equal((await c.query(own, 1))[0].docId, `d${i}`, `${metric}: d${i} found`);
    }
    c.applyDelete("d100");
    c.index.merge(50, c.documentCount);
    const own = data.subarray(100 * DIM, 101 * DIM);
    assert.notEqual((await c.query(own, 1))[0].docId, "d100", `${metric}: deleted`);
  }
});

Deno.test("collection: restoring slots refuses documents that do not match the vectors", () => {
  const c = collection("l2", 100);
  const docs = { docIds: ["d0"], externalIds: [null], insertedAt: [0] };
  assert.throws(
    () => c.restoreSlots(filled(2, 1), docs, new Set()),
    /2 vectors but 1 documents in collection c/,
  );
  assert.throws(
    () => c.restoreSlots(filled(2, 1).subarray(1), docs, new Set()),
    /not whole vectors/,
  );
});

/**
 * Runs `body` with `step` run each time one of Deno's asynchronous temporary-file operations
 * completes, before the caller awaiting it resumes.
 */
async function runningAfterFileOps(step: () => void, body: () => Promise<void>): Promise<void> {
  const ops = ["makeTempFile", "writeFile", "remove"] as const;
  const originals = ops.map((op) => Deno[op]);
  ops.forEach((op, i) => {
    const original = originals[i] as (...args: unknown[]) => Promise<unknown>;
    Object.assign(Deno, {
      [op]: async (...args: unknown[]) => {
        const result = await original(...args);
        step();
        return result;
      },
    });
  });
  try {
    await body();
  } finally {
    ops.forEach((op, i) => Object.assign(Deno, { [op]: originals[i] }));
  }
}
