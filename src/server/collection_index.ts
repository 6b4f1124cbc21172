import { setImmediate } from "node:timers/promises";
import usearch from "usearch";
import { type CollectionMetric, type IndexParams, indexParamsFor } from "./collection_meta.ts";
import { exactScan, type ExactScanJob } from "./exact_scan.ts";
import type { ScanPool } from "./scan_pool.ts";
import { similarity } from "./similarity.ts";
import { TopK } from "./top_k.ts";
import type { VectorStore } from "./vector_store.ts";

/** A search hit: vector slot and exact score (higher is better). */
export interface ScoredSlot {
  slot: number;
  score: number;
}

type Graph = InstanceType<typeof usearch.Index>;

const USEARCH_METRIC = {
  cosine: usearch.MetricKind.Cos,
  l2: usearch.MetricKind.L2sq,
  dot: usearch.MetricKind.IP,
} as const;

/** Bytes per stored element, by graph quantization. */
const ELEMENT_BYTES = { f32: 4, f16: 2, i8: 1, auto: 4 } as const;

/**
 * Graph candidates fetched per requested neighbour before the exact re-ranking: i8 distances
 * are coarse enough to reorder near neighbours, so it fetches more (recall@10 on clustered
 * 512-d cosine data, 100k vectors: 0.72 with 1×, 0.96 with 4×; f16 gives 0.98 with 1×).
 */
const OVERSAMPLE = { f32: 1, f16: 1, i8: 4, auto: 1 } as const;

/**
 * Floats scored per slice of an exact scan between yields to the event loop: ~0.7 ms of JS work
 * on an idle core (0.36 µs per 128-d vector), e.g. 2,048 vectors of 128-d or 128 of 2,048-d; a
 * yield (setImmediate) costs ~10 µs.
 */
const SCAN_SLICE_FLOATS = 1 << 18;
/** The largest finite float16. */
const FLOAT16_MAX = 65504;
/** A search asking the graph for 1/HEAVY_SHARE of the live slots or more scans them all. */
const HEAVY_SHARE = 32;

/** Buffered slots from which a graph-less search scans natively rather than in JS. */
const NATIVE_SCAN_MIN = 256;
/** Vectors per run of a native scan (one block of the vector store). */
const NATIVE_SCAN_SLOTS = 1024;
/** Extra candidates per run of a native scan, re-scored exactly (absorbs f32 ranking noise). */
const NATIVE_SCAN_MARGIN = 16;

/**
 * The private copy a native scan's run is made in, shared by every search: each use is
 * synchronous (copy, then scan), so no two searches can interleave in it. A fresh 2 MB buffer per
 * 512-d search made the garbage collector run for "external memory pressure" every ~250 ms at
 * 100 searches/s on 1k vectors, and a search cost 0.7–1.2 ms of CPU instead of ~0.2 ms.
 */
let nativeScanRun = new Float32Array(0);

function nativeScanBuffer(floats: number): Float32Array {
  if (nativeScanRun.length < floats) nativeScanRun = new Float32Array(floats);
  return nativeScanRun.subarray(0, floats);
}

/**
 * One collection's search index: an HNSW graph (usearch) over most vectors plus a buffer of
 * recently inserted slots that are searched exactly until a background merge moves them into
 * the graph. Small collections stay exact (no graph). Candidates are re-ranked with exact
 * float32 scores, so `score` is exact whatever the graph's quantization.
 */
export class CollectionIndex {
  #hnsw: Graph | null = null;
  #pending: number[] = [];
  /**
   * Live slots the graph's element type cannot hold: an f16 graph stores a value beyond
   * ±65,504 as ±Infinity and its node is then never found (scratch run, 2026-12-05). They are
   * searched exactly, like the buffer, for as long as they live.
   */
  #exactOnly: number[] = [];
  #live: (slot: number) => boolean;
  /** Measured milliseconds per vector of the last merge (to size the next one). */
  #mergeCostMs = 1;
  #detached = false;
  /** The index parameters, quantization `auto` resolved for the metric. */
  readonly params: IndexParams;

  constructor(
    readonly metric: CollectionMetric,
    params: IndexParams,
    readonly vectors: VectorStore,
    live: (slot: number) => boolean,
  ) {
    this.params = indexParamsFor(params, metric);
    this.#live = live;
  }

  /** Slots waiting to be merged into the graph. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** True after dropGraph until the graph is restored: no merging (the tier manager owns it). */
  get detached(): boolean {
    return this.#detached;
  }

  /** Vectors in the HNSW graph (including removed ones not yet compacted by usearch). */
  get graphSize(): number {
    return this.#hnsw ? this.#hnsw.size() : 0;
  }

  /** Estimated RAM of the graph: stored vectors plus level-0 links (2·m u32 ids) per node. */
  get graphBytes(): number {
    const element = ELEMENT_BYTES[this.params.quantization];
    return this.graphSize * (this.vectors.dimension * element + 2 * this.params.m * 4 + 16);
  }

  /** Makes `slot` searchable immediately (exact buffer). */
  add(slot: number): void {
    this.#pending.push(slot);
  }

  /** Excludes `slot` from the graph (the buffer filters removed slots through `live`). */
  remove(slot: number): void {
    this.#hnsw?.remove(BigInt(slot));
  }

  /**
   * Moves pending slots into the graph, spending about `budgetMs` of blocking native work.
   * Builds the graph once there are `exactThreshold` live vectors. Returns the slots merged.
   * One native thread only: usearch's concurrent add strands nodes no search reaches (usearch
   * issue #735, open in 2.26.2: a node is linked from a neighbour whose lower level is still
   * empty and is then pruned away). Two-thread merges left 2 to 26 of 2,800 random 512-d
   * vectors unreachable in 8 of 10 builds; one thread left none (scratch runs, 2026-12-05).
   */
  merge(budgetMs: number, liveCount: number): number {
    if (this.#pending.length === 0 || this.#detached) return 0;
    if (!this.#hnsw) {
      if (liveCount < this.params.exactThreshold) {
        if (this.#pending.length > 2 * liveCount + 64) {
          this.#pending = this.#pending.filter((s) => this.#live(s));
        }
        return 0;
      }
      this.#hnsw = this.#newGraph();
    }
    const n = Math.min(this.#pending.length, Math.max(1, Math.floor(budgetMs / this.#mergeCostMs)));
    if (this.#exactOnly.length > 0) this.#exactOnly = this.#exactOnly.filter((s) => this.#live(s));
    const slots: number[] = [];
    for (const slot of this.#pending.splice(0, n)) {
      if (!this.#live(slot)) continue;
      if (this.#fitsGraph(slot)) slots.push(slot);
      else this.#exactOnly.push(slot);
    }
    if (slots.length === 0) return n;
    const keys = new BigUint64Array(slots.length);
    const batch = new Float32Array(slots.length * this.vectors.dimension);
    slots.forEach((slot, i) => {
      keys[i] = BigInt(slot);
      batch.set(this.vectors.get(slot), i * this.vectors.dimension);
    });
    const started = performance.now();
    this.#hnsw.add(keys, batch, 1);
    const perVector = (performance.now() - started) / slots.length;
    this.#mergeCostMs = 0.7 * this.#mergeCostMs + 0.3 * Math.max(perVector, 0.01);
    return n;
  }

  /**
   * Top `k` live slots for `query`, best first (ties: lower slot first), each once; `liveCount`
   * is the number of live slots. A heavy search (see `#heavy`) scores every slot exactly instead
   * of asking the graph, and without a graph every search is exact: so a search with
   * k ≥ liveCount returns every live slot whatever the graph's connectivity. A heavy search runs
   * on `scans`' worker threads, over the slots live when it was called (writes that land while
   * it runs are not seen, so an updated document is found once, in its state at the call); the
   * other exact scoring runs in slices of SCAN_SLICE_FLOATS (native scans: one range) that yield
   * to the event loop in between, so one large search never stalls the server's other requests.
   */
  async search(
    query: Float32Array,
    k: number,
    liveCount: number,
    scans?: ScanPool,
  ): Promise<ScoredSlot[]> {
    if (k < 1) return [];
    let queryNorm = 0;
    for (let i = 0; i < query.length; i++) queryNorm += query[i] * query[i];
    queryNorm = Math.sqrt(queryNorm);
    const graph = this.#hnsw !== null && this.#hnsw.size() > 0 ? this.#hnsw : null;
    if (graph !== null && this.#heavy(k, liveCount)) {
      const job = this.#scanJob(query, queryNorm, k);
      const { slots, scores } = await (scans ? scans.scan(job) : exactScan(job));
      return Array.from(slots, (slot, i) => ({ slot, score: scores[i] }));
    }
    const top = new TopK(k);
    const vectors = this.vectors;
    const score = (slot: number) => {
      if (!this.#live(slot)) return;
      const arr = vectors.arrayOf(slot);
      const s = similarity(
        this.metric,
        query,
        queryNorm,
        arr,
        vectors.offsetOf(slot),
        vectors.norm(slot),
      );
      top.push(slot, s);
    };
    let count: number;
    let slotAt: (i: number) => number;
    if (graph !== null) {
      // The graph's search visits max(ef_search, count) candidates either way: it returns all it
      // visited, and all are re-ranked exactly (~0.05 ms for 96 × 512-d), since quantized
      // distances reorder near neighbours.
      const wanted = Math.max(k * OVERSAMPLE[this.params.quantization], this.params.efSearch);
      const found = graph.search(query, wanted, 1);
      const inGraph = new Set<number>();
      for (const key of found.keys) inGraph.add(Number(key));
      for (const slot of inGraph) score(slot);
      // A slot merged from the buffer since may be in both: it is scored once.
      const rest = this.#pending.concat(this.#exactOnly).filter((slot) => !inGraph.has(slot));
      count = rest.length;
      slotAt = (i) => rest[i];
    } else if (this.#pending.length >= NATIVE_SCAN_MIN) {
      const candidates = await this.#nativeCandidates(query, k);
      count = candidates.length;
      slotAt = (i) => candidates[i];
    } else {
      const rest = this.#pending.slice();
      count = rest.length;
      slotAt = (i) => rest[i];
    }
    const slice = Math.max(1, Math.floor(SCAN_SLICE_FLOATS / vectors.dimension));
    for (let from = 0; from < count; from += slice) {
      if (from > 0) await setImmediate();
      const to = Math.min(count, from + slice);
      for (let i = from; i < to; i++) score(slotAt(i));
    }
    return await top.sorted();
  }

  /** An exact scan of every slot live now (taken synchronously: no write lands in between). */
  #scanJob(query: Float32Array, queryNorm: number, k: number): ExactScanJob {
    const vectors = this.vectors.shared();
    const live = new Uint8Array(vectors.count);
    for (let slot = 0; slot < vectors.count; slot++) live[slot] = this.#live(slot) ? 1 : 0;
    return { metric: this.metric, query, queryNorm, k, vectors, live };
  }

  /**
   * True when the graph would be asked for 1/HEAVY_SHARE of the live slots or more. Measured on
   * 100k × 128 cosine (i8, 2026-12-05): usearch explores ~3.3 µs per candidate asked for
   * (40,000: 131 ms, 4,000: 20 ms, all of it blocking the loop), the exact scan ~0.36 µs per
   * vector (36 ms for all, in yielding slices). At the threshold (3,125 candidates, ~16 ms) the
   * scan costs about twice the CPU, but no native call blocks the loop longer than that, and
   * the scan is exact and reaches every live slot.
   */
  #heavy(k: number, liveCount: number): boolean {
    return k * OVERSAMPLE[this.params.quantization] * HEAVY_SHARE >= liveCount;
  }

  /**
   * Without a graph every live slot is in the buffer: usearch's SIMD brute force (f32) over each
   * run of up to NATIVE_SCAN_SLOTS contiguous vectors picks candidates, which search() then
   * re-scores exactly. It takes the nearest k + NATIVE_SCAN_MARGIN of a run, and more while
   * removed slots or ties could push a live one out. A 1,000 × 512 cosine scan: ~0.12 ms against
   * ~0.55 ms in JS. The binding refuses shared memory (and ignores byteOffset), so each run is
   * copied into a private buffer first (~0.03 ms for 1,024 × 128), one shared by all searches.
   */
  async #nativeCandidates(query: Float32Array, k: number): Promise<number[]> {
    const out: number[] = [];
    const dim = this.vectors.dimension;
    const q = query.byteOffset === 0 ? query : query.slice();
    const runFloats = NATIVE_SCAN_SLOTS * dim;
    let from = 0;
    for (const range of this.vectors.ranges(0, this.vectors.count)) {
      for (let at = 0; at < range.length; at += runFloats) {
        if (from > 0) await setImmediate(); // one run per turn of the loop
        const vectors = range.subarray(at, at + runFloats);
        const n = vectors.length / dim;
        const run = nativeScanBuffer(runFloats);
        run.set(vectors);
        for (let want = Math.min(n, k + NATIVE_SCAN_MARGIN);; want = Math.min(n, want * 2)) {
          const found = usearch.exactSearch(
            run.subarray(0, vectors.length),
            q,
            dim,
            want,
            USEARCH_METRIC[this.metric],
            1,
          );
          const keys = (found as { keys: BigUint64Array }).keys;
          let live = 0;
          for (const key of keys) if (this.#live(from + Number(key))) live++;
          if (want === n || live >= k + NATIVE_SCAN_MARGIN / 2) {
            for (const key of keys) out.push(from + Number(key));
            break;
          }
        }
        from += n;
      }
    }
    return out;
  }

  /** True when `slot` is in the graph. */
  inGraph(slot: number): boolean {
    return this.#hnsw !== null && this.#hnsw.contains(BigInt(slot)) === true;
  }

  /** Writes the graph to `path` (usearch format); false when there is no graph yet. */
  saveGraph(path: string): boolean {
    if (!this.#hnsw) return false;
    this.#hnsw.save(path);
    return true;
  }

  /** Replaces the graph with the one saved at `path`. */
  loadGraph(path: string): void {
    const graph = this.#newGraph();
    graph.load(path);
    this.#hnsw = graph;
  }

  /** The graph as bytes (for moving a collection to a file or object store); null if none. */
  async serializeGraph(): Promise<Uint8Array | null> {
    const path = await Deno.makeTempFile({ suffix: ".usearch" });
    try {
      return this.saveGraph(path) ? await Deno.readFile(path) : null;
    } finally {
      await Deno.remove(path);
    }
  }

  /** Restores a graph from `serializeGraph` bytes. */
  async restoreGraph(bytes: Uint8Array): Promise<void> {
    const path = await Deno.makeTempFile({ suffix: ".usearch" });
    try {
      await Deno.writeFile(path, bytes);
      this.loadGraph(path);
    } finally {
      await Deno.remove(path);
    }
  }

  /**
   * Drops the graph from memory (tiering): every live slot is searched exactly and no merge
   * rebuilds the graph until `resetPending` (after `restoreGraph`, or to rebuild from scratch).
   */
  dropGraph(liveSlots: Iterable<number>): void {
    this.#hnsw = null;
    this.#detached = true;
    this.#pending = [...liveSlots];
    this.#exactOnly = [];
  }

  /** Rebuilds the pending buffer as the live slots missing from the graph; resumes merging. */
  resetPending(liveSlots: Iterable<number>): void {
    this.#detached = false;
    this.#pending = [];
    this.#exactOnly = []; // those not in the graph are pending again; merge sorts them out
    for (const slot of liveSlots) if (!this.inGraph(slot)) this.#pending.push(slot);
  }

  /** False when the graph's element type cannot represent `slot`'s vector (f16 overflow). */
  #fitsGraph(slot: number): boolean {
    if (this.params.quantization !== "f16") return true;
    const v = this.vectors.get(slot);
    for (let i = 0; i < v.length; i++) if (Math.abs(v[i]) > FLOAT16_MAX) return false;
    return true;
  }

  #newGraph(): Graph {
    return new usearch.Index(
      {
        metric: USEARCH_METRIC[this.metric],
        dimensions: this.vectors.dimension,
        connectivity: this.params.m,
        expansion_add: this.params.efConstruction,
        expansion_search: this.params.efSearch,
        quantization: this.params.quantization,
        multi: false,
      } as ConstructorParameters<typeof usearch.Index>[0],
    );
  }
}
