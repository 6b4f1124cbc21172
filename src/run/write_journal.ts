/** A measured search: what it returned and when it was sent (epoch ms). */
export interface JournalSearch {
  collection: number;
  query: number;
  ids: string[];
  sentAt: number;
}

/**
 * An acknowledged write, stamped with when it was acknowledged (epoch ms): an insert (an
 * update's re-insert too) carries its vector, base64 of float32; a removal its base row.
 */
export type JournalWrite =
  | { collection: number; at: number; docId: string; vector: string }
  | { collection: number; at: number; docId: string; row: number };

/** A journal as plain JSON, the way a shard result file holds it. */
export interface JournalData {
  k: number;
  searches: JournalSearch[];
  writes: JournalWrite[];
  /** Documents whose write failed or timed out: their state on the target is unknown. */
  uncertain: string[];
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const epochNow = () => performance.timeOrigin + performance.now();

/**
 * What a shard (or a worker) proves about the target, kept as timestamped events instead of
 * being scored on the spot: recall and integrity depend on every shard's writes, so they are
 * judged once all shards' journals are pooled (see pooled_truth.ts).
 */
export class WriteJournal {
  readonly searches: JournalSearch[] = [];
  readonly writes: JournalWrite[] = [];
  readonly uncertain: string[] = [];

  constructor(readonly k: number, readonly now: () => number = epochNow) {}

  search(collection: number, query: number, ids: string[], sentAt: number): void {
    this.searches.push({ collection, query, ids, sentAt });
  }

  insert(collection: number, docId: string, vector: Float32Array): void {
    this.writes.push({ collection, at: this.now(), docId, vector: encodeVector(vector) });
  }

  remove(collection: number, docId: string, row: number): void {
    this.writes.push({ collection, at: this.now(), docId, row });
  }

  markUncertain(docId: string): void {
    this.uncertain.push(docId);
  }

  data(): JournalData {
    return {
      k: this.k,
      searches: this.searches,
      writes: this.writes,
      uncertain: this.uncertain,
    };
  }
}

export function encodeVector(v: Float32Array): string {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).toBase64();
}

export function decodeVector(s: string): Float32Array {
  const bytes = Uint8Array.fromBase64(s);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
