import { decodeCollectionImage, encodeCollectionImage } from "./collection_image.ts";
import { CollectionIndex, type ScoredSlot } from "./collection_index.ts";
import type { CollectionMeta } from "./collection_meta.ts";
import { DomainError } from "./domain_error.ts";
import type { ScanPool } from "./scan_pool.ts";
import { VectorStore } from "./vector_store.ts";

/** A stored document (`vector` is a view of the store: encode it before the next await). */
export interface StoredDocument {
  doc_id: string;
  external_id: string | null;
  vector: Float32Array;
  insertedAtMs: number;
}

/** A query hit: document id, external id and exact score (higher is better). */
export interface DocumentHit {
  docId: string;
  externalId: string | null;
  score: number;
}

/**
 * Where an evicted collection's bytes are (an encoded CollectionImage): a local file (warm)
 * and/or an object (cold: `file` is null). Those bytes are immutable while it stays evicted.
 */
export interface EvictedLocation {
  file: string | null;
  objectKey: string;
}

/**
 * One collection: vectors by slot, per-slot document data, the live doc→slot map and the search
 * index. Slots are never reused; a deleted slot is a tombstone. A collection is either resident
 * (all of that in RAM) or evicted (tiering): then only its meta, document count and the
 * location of its image stay in RAM, and it must be `load`ed before any data is read or written.
 */
export class Collection {
  #vectors!: VectorStore;
  #index!: CollectionIndex;
  #docIds: string[] = [];
  #externalIds: (string | null)[] = [];
  #insertedAt: number[] = [];
  #deleted = new Uint8Array(1024);
  #live = new Map<string, number>();
  #reserved = new Set<string>();
  #evicted: EvictedLocation | null = null;
  #evictedCount = 0;
  #loading: Promise<void> | null = null;
  /** Set when the collection is deleted; in-flight writes then fail as not found. */
  dropped = false;
  /** Counts applied inserts and deletes (tiering checks nothing changed while it evicts). */
  version = 0;
  /** Requests currently using the data (tiering never evicts a collection in use). */
  users = 0;

  constructor(readonly meta: CollectionMeta) {
    this.#reset(1024);
  }

  /** A collection known only by its image at `location` (e.g. from a snapshot). */
  static evicted(
    meta: CollectionMeta,
    location: EvictedLocation,
    documentCount: number,
  ): Collection {
    const collection = new Collection(meta);
    collection.#reset(1);
    collection.#evicted = location;
    collection.#evictedCount = documentCount;
    return collection;
  }

  #reset(capacity: number): void {
    this.#vectors = new VectorStore(this.meta.dimension, capacity);
    this.#index = new CollectionIndex(
      this.meta.metric,
      this.meta.index,
      this.#vectors,
      (s) => this.isLive(s),
    );
    this.#docIds = [];
    this.#externalIds = [];
    this.#insertedAt = [];
    this.#deleted = new Uint8Array(capacity);
    this.#live = new Map();
  }

  get vectors(): VectorStore {
    return this.#vectors;
  }

  get index(): CollectionIndex {
    return this.#index;
  }

  get docIds(): readonly string[] {
    return this.#docIds;
  }

  get externalIds(): readonly (string | null)[] {
    return this.#externalIds;
  }

  get insertedAt(): readonly number[] {
    return this.#insertedAt;
  }

  /** True when the data is in RAM. */
  get resident(): boolean {
    return this.#evicted === null;
  }

  /** Where the image of an evicted collection is; null when resident. */
  get evictedLocation(): EvictedLocation | null {
    return this.#evicted;
  }

  get documentCount(): number {
    return this.#evicted === null ? this.#live.size : this.#evictedCount;
  }

  /** Approximate RAM held by the data: vectors, norms, deleted flags, documents and graph. */
  get ramBytes(): number {
    if (this.#evicted !== null) return 0;
    const docs = this.#docIds.length * 120;
    return this.#vectors.capacityBytes + this.#deleted.length + docs + this.#index.graphBytes;
  }

  /** The whole collection encoded as a CollectionImage (resident only). */
  async encodeImage(): Promise<Uint8Array> {
    if (this.#evicted !== null) throw new Error(`collection ${this.meta.id} is not resident`);
    const count = this.#vectors.count;
    const deleted = this.deletedFlags(count);
    const image = {
      meta: this.meta,
      docIds: this.#docIds.slice(0, count),
      externalIds: this.#externalIds.slice(0, count),
      insertedAt: this.#insertedAt.slice(0, count),
      deletedSlots: [...deleted.keys()].filter((slot) => deleted[slot] === 1),
      vectors: this.#vectors.ranges(0, count),
      graph: await this.#index.serializeGraph() ?? new Uint8Array(),
    };
    return encodeCollectionImage(image);
  }

  /**
   * Releases the data from RAM; its image (same state) is at `location`. The caller makes sure
   * no request uses the collection (`users` is 0) and nothing changed since the image was made.
   */
  evict(location: EvictedLocation): void {
    this.#evictedCount = this.#live.size;
    this.#reset(1);
    this.#evicted = location;
  }

  /** Records that an evicted collection's image moved (e.g. its local file was removed). */
  relocate(location: EvictedLocation): void {
    if (this.#evicted === null) throw new Error(`collection ${this.meta.id} is resident`);
    this.#evicted = location;
  }

  /**
   * Makes an evicted collection resident again from its image bytes; the collection stays
   * evicted (unreadable) until it returns. A load while another is running waits for that one.
   */
  load(bytes: Uint8Array): Promise<void> {
    if (this.#evicted === null) return Promise.resolve();
    this.#loading ??= this.#load(bytes).finally(() => (this.#loading = null));
    return this.#loading;
  }

  async #load(bytes: Uint8Array): Promise<void> {
    const image = decodeCollectionImage(bytes);
    if (image.meta.id !== this.meta.id) {
      throw new Error(`image of collection ${image.meta.id} given to ${this.meta.id}`);
    }
    this.#reset(1);
    // The graph before the slots: while it is restored (file I/O, awaited) nothing is pending,
    // so the store's merge timer cannot add a slot the restored graph already holds. The other
    // way round, a merge between the two added every live slot again: usearch refuses duplicate
    // keys, and the uncaught error stopped the server (full chaos scenario, 2026-11-28).
    if (image.graph.length > 0) await this.#index.restoreGraph(image.graph);
    this.restoreSlots(image.vectors, image, new Set(image.deletedSlots));
    this.#index.resetPending(this.liveSlots());
    this.#evicted = null;
  }

  isLive(slot: number): boolean {
    return slot < this.vectors.count && this.#deleted[slot] === 0;
  }

  /** Deleted flags of slots [0, count) (a copy). */
  deletedFlags(count: number): Uint8Array {
    return this.#deleted.slice(0, count);
  }

  /** Claims `docId` for an insert in flight; a conflict when it exists or is being inserted. */
  reserve(docId: string): void {
    this.#mustBeResident();
    if (this.#live.has(docId) || this.#reserved.has(docId)) {
      throw new DomainError(
        "conflict",
        `doc_id ${docId} already exists in collection ${this.meta.id}`,
      );
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
    this.#mustBeResident();
    this.version++;
    const slot = this.vectors.append(vector);
    if (slot >= this.#deleted.length) {
      const grown = new Uint8Array(this.#deleted.length * 2);
      grown.set(this.#deleted);
      this.#deleted = grown;
    }
    this.#docIds.push(docId);
    this.#externalIds.push(externalId);
    this.#insertedAt.push(insertedAt);
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
    const count = vectors.length / this.meta.dimension; // adopt refuses a partial vector
    const { docIds, externalIds, insertedAt } = docs;
    const lists = [docIds, externalIds, insertedAt];
    if (Number.isInteger(count) && lists.some((list) => list.length !== count)) {
      // A missing per-slot entry would read as undefined (GET then answered 500).
      throw new Error(
        `${count} vectors but ${docIds.length} documents in collection ${this.meta.id}`,
      );
    }
    this.vectors.adopt(vectors);
    this.#deleted = new Uint8Array(Math.max(1024, count * 2));
    for (let slot = 0; slot < count; slot++) {
      this.#docIds.push(docs.docIds[slot]);
      this.#externalIds.push(docs.externalIds[slot]);
      this.#insertedAt.push(docs.insertedAt[slot]);
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
    this.#mustBeResident();
    const slot = this.#live.get(docId);
    if (slot === undefined) return false;
    this.version++;
    this.#markDeleted(slot);
    this.index.remove(slot);
    return true;
  }

  #mustBeResident(): void {
    if (this.#evicted !== null) {
      throw new Error(`collection ${this.meta.id} is evicted; load it before writing`);
    }
  }

  getDocument(docId: string): StoredDocument | null {
    this.#mustBeResident();
    const slot = this.#live.get(docId);
    if (slot === undefined) return null;
    return {
      doc_id: docId,
      external_id: this.externalIds[slot],
      vector: this.vectors.get(slot),
      insertedAtMs: this.insertedAt[slot],
    };
  }

  /**
   * Top `k` documents for `query`, best first; with k ≥ the document count, every document
   * once. Heavy searches run on `scans` (CollectionIndex.search). The caller keeps the
   * collection resident until it returns (tiering's `users`).
   */
  async query(query: Float32Array, k: number, scans?: ScanPool): Promise<DocumentHit[]> {
    this.#mustBeResident();
    const index = this.index, docIds = this.#docIds, externalIds = this.#externalIds;
    const hits = await index.search(query, k, this.#live.size, scans);
    return hits.map(({ slot, score }: ScoredSlot) => ({
      docId: docIds[slot],
      externalId: externalIds[slot],
      score,
    }));
  }

  /** Slots of live documents. */
  liveSlots(): IterableIterator<number> {
    return this.#live.values();
  }
}
