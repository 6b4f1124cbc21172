import { distance } from "../dataset/distance.ts";
import type { Dataset } from "../dataset/dataset.ts";
import type { PlanCollection } from "../load/request_plan.ts";
import { planDocId } from "../load/request_plan_ids.ts";
import type { WriteLog, WriteSnapshot } from "./write_log.ts";

/** How many extra base neighbours are kept per (collection, query) to absorb deletions. */
const DEPTH_MARGIN = 32;

/**
 * Exact top-k document ids for a measured search, against the collection as it stood when the
 * search was sent: base rows minus acknowledged removals plus acknowledged inserts (see
 * WriteLog). Base neighbours come from the dataset's ground truth when one collection holds the
 * whole dataset, else from a brute-force pass over the collection's rows (cached per
 * collection × query); inserted vectors are scanned exhaustively. Writes still in flight when
 * the search was sent are not in its truth (they could enter a top-k only by chance; the effect
 * is below the recall's sampling noise).
 */
export class RecallTruth {
  readonly #baseCache = new Map<number, { rows: Int32Array; dists: Float64Array }>();

  constructor(
    readonly dataset: Dataset,
    readonly collections: PlanCollection[],
    readonly seed: number,
    readonly k: number,
  ) {}

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
    for (let i = 0; i < snap.inserted; i++) {
      const { docId, vector } = log.inserted[i];
      candidates.push({ id: docId, d: distance(metric, test, query, vector, 0, dim) });
    }
    candidates.sort((a, b) => a.d - b.d);
    return candidates.slice(0, this.k).map((c) => c.id);
  }

  #rows(collection: number): number {
    const c = this.collections[collection];
    return c.end - c.start;
  }

  /** Base rows of the collection nearest to the query, ascending distance. */
  #base(collection: number, query: number): { rows: Int32Array; dists: Float64Array } {
    const ds = this.dataset;
    const c = this.collections[collection];
    if (this.collections.length === 1 && c.start === 0 && c.end === ds.size) {
      const rows = ds.neighbors.subarray(query * ds.k, (query + 1) * ds.k);
      const dists = Float64Array.from(ds.distances.subarray(query * ds.k, (query + 1) * ds.k));
      return { rows, dists };
    }
    const key = collection * ds.queries + query;
    let cached = this.#baseCache.get(key);
    if (!cached) {
      const n = c.end - c.start;
      const all = new Float64Array(n);
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < n; i++) {
        all[i] = distance(ds.metric, ds.test, query, ds.train, c.start + i, ds.dim);
      }
      order.sort((a, b) => all[a] - all[b] || a - b);
      const depth = Math.min(n, this.k + DEPTH_MARGIN);
      cached = {
        rows: Int32Array.from(order.subarray(0, depth), (i) => c.start + i),
        dists: Float64Array.from(order.subarray(0, depth), (i) => all[i]),
      };
      this.#baseCache.set(key, cached);
    }
    return cached;
  }
}
