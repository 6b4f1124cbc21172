import { distance } from "../dataset/distance.ts";
import { computeGroundTruth } from "../dataset/ground_truth.ts";
import type { Dataset } from "../dataset/dataset.ts";
import type { PlanCollection } from "../plan/request_plan.ts";
import { planDocId } from "../plan/request_plan_ids.ts";
import type { WriteLog, WriteSnapshot } from "./write_log.ts";

/** How many extra base neighbours are kept per (collection, query) to absorb deletions. */
const DEPTH_MARGIN = 32;
/**
 * Extra inserted vectors kept per (collection, query) beyond k, so a search that completes after
 * later ones (and so sees a shorter write log) still finds its exact top-k in the kept list.
 */
const INSERTED_MARGIN = 8;

/**
 * A RecallTruth as structured-cloneable data, to rebuild it in a worker (live_recall.ts): the
 * base neighbours `prepare` computed, and the dataset (its base vectors shared, or left out when
 * the run removes nothing: only a removal can exhaust a query's kept base neighbours and make
 * the truth scan the collection).
 */
export interface PortableRecallTruth {
  dataset: Dataset;
  collections: PlanCollection[];
  seed: number;
  k: number;
  base: [number, { rows: Int32Array; dists: Float64Array }][];
}

/** An inserted vector in a query's kept list; `index` is its position in the write log. */
interface InsertedHit {
  id: string;
  d: number;
  index: number;
}

/**
 * Exact top-k document ids for a measured search, against the collection as it stood when the
 * search was sent: base rows minus acknowledged removals plus acknowledged inserts (see
 * WriteLog). Base neighbours come from the dataset's ground truth when one collection holds the
 * whole dataset, else from the exact ground-truth scan of each collection's rows, run before the
 * load by `prepare` (scanning a pair when a measured search first met it blocked the generator's
 * event loop for several ms: 5,000 rows × 512-d, thousands of pairs in the multi-tenant
 * scenario). Inserted vectors are scanned once per collection × query: the nearest
 * k + INSERTED_MARGIN are kept and each later search scans only what was inserted since (a full
 * scan per search grew with the run: 36k inserts into a 30-minute baseline stalled the
 * generator's event loop for tens of milliseconds per measured search). Writes still in flight when
 * the search was sent are not in its truth (they could enter a top-k only by chance; the effect
 * is below the recall's sampling noise).
 */
export class RecallTruth {
  readonly #baseCache = new Map<number, { rows: Int32Array; dists: Float64Array }>();
  readonly #insertedCache = new Map<number, { scanned: number; top: InsertedHit[] }>();

  private constructor(
    readonly dataset: Dataset,
    readonly collections: PlanCollection[],
    readonly seed: number,
    readonly k: number,
  ) {}

  /**
   * A RecallTruth with the base neighbours of every (collection, query) pair computed: the
   * nearest k + DEPTH_MARGIN rows by the exact ground-truth scan (worker threads), their
   * distances recomputed here in float64 like every other distance of the truth.
   */
  static async prepare(
    dataset: Dataset,
    collections: PlanCollection[],
    seed: number,
    k: number,
  ): Promise<RecallTruth> {
    const truth = new RecallTruth(dataset, collections, seed, k);
    if (truth.#wholeDataset()) return truth;
    const { dim, metric, queries, test, train } = dataset;
    // One worker per collection, as many collections at once as there are cores: a scan of a
    // small collection costs mostly its worker's start-up.
    const scan = async (collection: number) => {
      const c = collections[collection];
      const depth = Math.min(c.end - c.start, k + DEPTH_MARGIN);
      const rowsOf = train.subarray(c.start * dim, c.end * dim);
      const gt = await computeGroundTruth(rowsOf, test, dim, depth, metric, { workers: 1 });
      for (let query = 0; query < queries; query++) {
        const hits = Array.from(gt.neighbors.subarray(query * depth, (query + 1) * depth), (i) => {
          const row = c.start + i;
          return { row, d: distance(metric, test, query, train, row, dim) };
        }).sort((a, b) => a.d - b.d || a.row - b.row);
        const rows = Int32Array.from(hits, (h) => h.row);
        const dists = Float64Array.from(hits, (h) => h.d);
        truth.#baseCache.set(collection * queries + query, { rows, dists });
      }
    };
    let next = 0;
    const lane = async () => {
      while (next < collections.length) await scan(next++);
    };
    await Promise.all(Array.from({ length: navigator.hardwareConcurrency ?? 2 }, lane));
    return truth;
  }

  /** This truth as data for a worker; `removals`: whether the run deletes or updates. */
  portable(removals: boolean): PortableRecallTruth {
    const train = this.dataset.train;
    let shared: Float32Array = new Float32Array(0);
    if (removals && train.buffer instanceof SharedArrayBuffer) shared = train;
    else if (removals) {
      shared = new Float32Array(new SharedArrayBuffer(train.byteLength));
      shared.set(train);
    }
    return {
      dataset: { ...this.dataset, train: shared },
      collections: this.collections,
      seed: this.seed,
      k: this.k,
      base: [...this.#baseCache],
    };
  }

  /** The truth `portable` described (in a worker). */
  static fromPortable(p: PortableRecallTruth): RecallTruth {
    const truth = new RecallTruth(p.dataset, p.collections, p.seed, p.k);
    for (const [key, entry] of p.base) truth.#baseCache.set(key, entry);
    return truth;
  }

  /** The true top-k doc ids for `query` in `collection` at `snap`. */
  truth(collection: number, query: number, log: WriteLog, snap: WriteSnapshot): string[] {
    const { dim, metric, test, train } = this.dataset;
    const candidates: { id: string; d: number }[] = [];
    const base = this.#base(collection, query);
    for (let i = 0; i < base.rows.length && candidates.length < this.k; i++) {
      if (!log.removedIn(base.rows[i], snap)) {
        candidates.push({ id: planDocId(this.seed, -1, base.rows[i]), d: base.dists[i] });
      }
    }
    if (candidates.length < this.k && base.rows.length < this.#rows(collection)) {
      candidates.length = 0;
      const c = this.collections[collection];
      for (let row = c.start; row < c.end; row++) {
        if (log.removedIn(row, snap)) continue;
        const d = distance(metric, test, query, train, row, dim);
        candidates.push({ id: planDocId(this.seed, -1, row), d });
      }
    }
    candidates.push(...this.#inserted(collection, query, log, snap));
    candidates.sort((a, b) => a.d - b.d);
    return candidates.slice(0, this.k).map((c) => c.id);
  }

  /**
   * Inserted vectors of `log` before `snap` that can be in the query's top-k, nearest first
   * (ties in insertion order): from the kept list, extended by what was inserted since.
   */
  #inserted(collection: number, query: number, log: WriteLog, snap: WriteSnapshot) {
    const { dim, metric, test, queries } = this.dataset;
    const keep = this.k + INSERTED_MARGIN;
    const key = collection * queries + query;
    let cache = this.#insertedCache.get(key);
    if (!cache) this.#insertedCache.set(key, cache = { scanned: 0, top: [] });
    for (let index = cache.scanned; index < snap.inserted; index++) {
      const { docId, vector } = log.inserted[index];
      const d = distance(metric, test, query, vector, 0, dim);
      const top = cache.top;
      if (top.length === keep && d >= top[keep - 1].d) continue;
      let at = top.length;
      while (at > 0 && top[at - 1].d > d) at--;
      top.splice(at, 0, { id: docId, d, index });
      if (top.length > keep) top.pop();
    }
    cache.scanned = Math.max(cache.scanned, snap.inserted);
    const before = cache.top.filter((hit) => hit.index < snap.inserted);
    // Exact unless more than `keep - k` later inserts pushed earlier ones out of the list.
    if (cache.top.length - before.length <= keep - this.k) return before;
    const all: InsertedHit[] = [];
    for (let index = 0; index < snap.inserted; index++) {
      const { docId, vector } = log.inserted[index];
      all.push({ id: docId, d: distance(metric, test, query, vector, 0, dim), index });
    }
    return all.sort((a, b) => a.d - b.d);
  }

  #rows(collection: number): number {
    const c = this.collections[collection];
    return c.end - c.start;
  }

  /** True when one collection holds the whole dataset, whose ground truth then serves. */
  #wholeDataset(): boolean {
    const c = this.collections[0];
    return this.collections.length === 1 && c.start === 0 && c.end === this.dataset.size;
  }

  /** Base rows of the collection nearest to the query, ascending distance. */
  #base(collection: number, query: number): { rows: Int32Array; dists: Float64Array } {
    const ds = this.dataset;
    if (this.#wholeDataset()) {
      const rows = ds.neighbors.subarray(query * ds.k, (query + 1) * ds.k);
      const dists = Float64Array.from(ds.distances.subarray(query * ds.k, (query + 1) * ds.k));
      return { rows, dists };
    }
    return this.#baseCache.get(collection * ds.queries + query)!;
  }
}
