import { CollectionIndex, type ScoredSlot } from "./collection_index.ts";
import type { CollectionMeta } from "./collection_meta.ts";
import { HttpError } from "./http_error.ts";
import { VectorStore } from "./vector_store.ts";

/** A stored document as the API returns it. */
export interface StoredDocument {
  doc_id: string;
  external_id: string | null;
  vector: number[];
  inserted_at: string;
}

/** A query hit: document id, external id and exact score (higher is better). */
export interface DocumentHit {
  docId: string;
  externalId: string | null;
  score: number;
}

/**
 * One collection in memory: vectors by slot, per-slot document data, the live doc→slot map and
 * the search index. Slots are never reused; a deleted slot is a tombstone.
 */
export class Collection {
  readonly vectors: VectorStore;
  readonly index: CollectionIndex;
  readonly docIds: string[] = [];
  readonly externalIds: (string | null)[] = [];
  readonly insertedAt: number[] = [];
  #deleted = new Uint8Array(1024);
  #live = new Map<string, number>();
  #reserved = new Set<string>();
  /** Set when the collection is deleted; in-flight writes then fail with 404. */
  dropped = false;

  constructor(readonly meta: CollectionMeta) {
    this.vectors = new VectorStore(meta.dimension);
    this.index = new CollectionIndex(meta.metric, meta.index, this.vectors, (s) => this.isLive(s));
  }

  get documentCount(): number {
    return this.#live.size;
  }

  isLive(slot: number): boolean {
    return slot < this.vectors.count && this.#deleted[slot] === 0;
  }

  /** Deleted flags of slots [0, count) (a copy). */
  deletedFlags(count: number): Uint8Array {
    return this.#deleted.slice(0, count);
  }

  /** Claims `docId` for an insert in flight; 409 when it exists or is being inserted. */
  reserve(docId: string): void {
    if (this.#live.has(docId) || this.#reserved.has(docId)) {
      throw new HttpError(409, `doc_id ${docId} already exists in collection ${this.meta.id}`);
    }
    this.#reserved.add(docId);
  }

  release(docId: string): void {
    this.#reserved.delete(docId);
  }

  hasDocument(docId: string): boolean {
    return this.#live.has(docId);
  }

  /** Adds a document (already durable); it is searchable on return. */
  applyInsert(docId: string, externalId: string | null, insertedAt: number, vector: Float32Array) {
    const slot = this.vectors.append(vector);
    if (slot >= this.#deleted.length) {
      const grown = new Uint8Array(this.#deleted.length * 2);
      grown.set(this.#deleted);
      this.#deleted = grown;
    }
    this.docIds.push(docId);
    this.externalIds.push(externalId);
    this.insertedAt.push(insertedAt);
    this.#live.set(docId, slot);
    this.#reserved.delete(docId);
    this.index.add(slot);
  }

  /**
   * Fills an empty collection from a snapshot: `vectors` holds every slot in order (adopted,
   * not copied); slots in `deletedSlots` are tombstones. Live slots become pending in the index.
   */
  restoreSlots(
    vectors: Float32Array,
    docs: { docIds: string[]; externalIds: (string | null)[]; insertedAt: number[] },
    deletedSlots: Set<number>,
  ): void {
    this.vectors.adopt(vectors);
    const count = this.vectors.count;
    this.#deleted = new Uint8Array(Math.max(1024, count * 2));
    for (let slot = 0; slot < count; slot++) {
      this.docIds.push(docs.docIds[slot]);
      this.externalIds.push(docs.externalIds[slot]);
      this.insertedAt.push(docs.insertedAt[slot]);
      if (deletedSlots.has(slot)) {
        this.#deleted[slot] = 1;
      } else {
        this.#live.set(docs.docIds[slot], slot);
        this.index.add(slot);
      }
    }
  }

  #markDeleted(slot: number): void {
    this.#deleted[slot] = 1;
    if (this.#live.get(this.docIds[slot]) === slot) this.#live.delete(this.docIds[slot]);
  }

  /** Deletes a document (already durable); false when it was not live. */
  applyDelete(docId: string): boolean {
    const slot = this.#live.get(docId);
    if (slot === undefined) return false;
    this.#markDeleted(slot);
    this.index.remove(slot);
    return true;
  }

  getDocument(docId: string): StoredDocument | null {
    const slot = this.#live.get(docId);
    if (slot === undefined) return null;
    return {
      doc_id: docId,
      external_id: this.externalIds[slot],
      vector: Array.from(this.vectors.get(slot)),
      inserted_at: new Date(this.insertedAt[slot]).toISOString(),
    };
  }

  /** Top `k` documents for `query`, best first. */
  query(query: Float32Array, k: number): DocumentHit[] {
    return this.index.search(query, k).map(({ slot, score }: ScoredSlot) => ({
      docId: this.docIds[slot],
      externalId: this.externalIds[slot],
      score,
    }));
  }

  /** Slots of live documents. */
  liveSlots(): IterableIterator<number> {
    return this.#live.values();
  }
}
