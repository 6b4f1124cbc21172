/**
 * Bounded top-k selection for many queries at once: one max-heap of (distance, id) per query,
 * ordered so the worst kept neighbour sits at the root. Order is exact and total: smaller distance
 * first, NaN after everything, equal distances by lower id.
 */

/** True when (da, ia) ranks before (db, ib). */
export function ranksBefore(da: number, ia: number, db: number, ib: number): boolean {
  if (da < db) return true;
  if (da > db) return false;
  if (da === db) return ia < ib;
  // at least one NaN: NaN ranks last, two NaNs by id
  if (Number.isNaN(da)) return Number.isNaN(db) && ia < ib;
  return true;
}

export class TopKHeaps {
  readonly distances: Float32Array<ArrayBuffer>;
  readonly ids: Int32Array<ArrayBuffer>;
  readonly sizes: Int32Array<ArrayBuffer>;

  constructor(readonly queries: number, readonly k: number) {
    this.distances = new Float32Array(queries * k);
    this.ids = new Int32Array(queries * k);
    this.sizes = new Int32Array(queries);
  }

  /** Offers a neighbour to query `q`; returns whether it was kept. */
  offer(q: number, dist: number, id: number): boolean {
    const k = this.k;
    if (k === 0) return false;
    const o = q * k;
    const ds = this.distances;
    const is = this.ids;
    const size = this.sizes[q];
    if (size < k) {
      // sift up
      let i = size;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!ranksBefore(ds[o + parent], is[o + parent], dist, id)) break;
        ds[o + i] = ds[o + parent];
        is[o + i] = is[o + parent];
        i = parent;
      }
      ds[o + i] = dist;
      is[o + i] = id;
      this.sizes[q] = size + 1;
      return true;
    }
    if (!ranksBefore(dist, id, ds[o], is[o])) return false;
    // replace root, sift down
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= k) break;
      let c = l;
      if (l + 1 < k && ranksBefore(ds[o + l], is[o + l], ds[o + l + 1], is[o + l + 1])) c = l + 1;
      if (!ranksBefore(dist, id, ds[o + c], is[o + c])) break;
      ds[o + i] = ds[o + c];
      is[o + i] = is[o + c];
      i = c;
    }
    ds[o + i] = dist;
    is[o + i] = id;
    return true;
  }

  /** The distance a newcomer must beat for query `q`: NaN while the heap is not full. */
  threshold(q: number): number {
    return this.sizes[q] < this.k ? NaN : this.distances[q * this.k];
  }
}

/**
 * Merges per-worker heaps into the final sorted `queries × k` result. Every query must have
 * exactly k neighbours across the parts.
 */
export function mergeTopK(
  parts: { distances: Float32Array; ids: Int32Array; sizes: Int32Array }[],
  queries: number,
  k: number,
): { neighbors: Int32Array; distances: Float32Array } {
  const neighbors = new Int32Array(queries * k);
  const distances = new Float32Array(queries * k);
  const order: number[] = [];
  const pd: number[] = [];
  const pi: number[] = [];
  for (let q = 0; q < queries; q++) {
    pd.length = 0;
    pi.length = 0;
    for (const part of parts) {
      for (let j = 0; j < part.sizes[q]; j++) {
        pd.push(part.distances[q * k + j]);
        pi.push(part.ids[q * k + j]);
      }
    }
    if (pd.length < k) throw new Error(`ground truth: query ${q} has ${pd.length} < k neighbours`);
    order.length = pd.length;
    for (let j = 0; j < order.length; j++) order[j] = j;
    order.sort((a, b) => (ranksBefore(pd[a], pi[a], pd[b], pi[b]) ? -1 : 1));
    for (let j = 0; j < k; j++) {
      neighbors[q * k + j] = pi[order[j]];
      distances[q * k + j] = pd[order[j]];
    }
  }
  return { neighbors, distances };
}
