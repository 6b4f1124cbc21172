import { join } from "node:path";
import { Collection, type DocumentHit } from "./collection.ts";
import {
  type CollectionMeta,
  DEFAULT_INDEX_PARAMS,
  type IndexParams,
  indexParamsFor,
} from "./collection_meta.ts";
import { DomainError } from "./domain_error.ts";
import { releaseMemory } from "./memory_release.ts";
import { ScanPool } from "./scan_pool.ts";
import {
  captureCollections,
  prepareSnapshotDir,
  releaseCaptures,
  writeSnapshot,
} from "./snapshot.ts";
import { readStartState, setAsideRecovered } from "./start_state.ts";
import { StorageDamage } from "./storage_damage.ts";
import { testHookPath } from "./test_hook.ts";
import { writeStorageFormat } from "./storage_format.ts";
import { listWalSegments, Wal, walSegmentName } from "./wal.ts";
import type { WalRecord } from "./wal_record.ts";

/** A document to insert, validated. */
export interface NewDocument {
  docId: string;
  externalId: string | null;
  vector: Float32Array;
}

/** Tunables of the storage engine. */
export interface StoreOptions {
  /**
   * Start a checkpoint (snapshot + WAL truncation) once the WAL exceeds this many bytes, or half
   * the vector bytes of the last snapshot if larger (so snapshot I/O stays proportional to
   * the write volume as collections grow, and replay stays bounded).
   */
  checkpointWalBytes: number;
  /**
   * Blocking time per merge step while the server is busy (a request in flight or seen within
   * BUSY_WINDOW_MS), milliseconds; steps are busyMergeIntervalMs apart, so merging takes at most
   * budget/interval of the event loop and an insert burst waits in the exact buffer instead.
   */
  mergeBudgetMs: number;
  busyMergeIntervalMs: number;
  /** Blocking time per merge step when the server is idle, milliseconds. */
  idleMergeBudgetMs: number;
  /**
   * While the server only takes inserts (busy, the last data request an insert, no search for
   * QUERY_QUIET_MS), a busy merge step runs at most this often, milliseconds: a bulk load gets
   * the event loop (and the core) and the graph catches up once it ends or searches start.
   */
  ingestMergeIntervalMs: number;
  /** Index parameters given to new collections. */
  indexParams: IndexParams;
  /**
   * Fetches an object holding an evicted collection's image (tiering's object store). Recovery
   * needs it only when WAL records follow a snapshot that holds that collection as cold.
   */
  fetchImage?: (objectKey: string) => Promise<Uint8Array>;
  /**
   * Start from the last good state on damage (serve --recover): from the previous snapshot
   * generation when the newest snapshot is damaged; keeping the log up to WAL damage; moving
   * what is discarded aside. Without it, damage stops the start (StorageDamage).
   */
  recover?: boolean;
  /**
   * Runs the memory release's quiet check once QUIET_MS have passed (the default); tests pass
   * their own to say when the quiet time is over.
   */
  quietTimer?: QuietTimer;
}

/** Vectors merged into graphs after which the memory the load left behind is released. */
const RELEASE_AFTER_MERGED = 4096;
/**
 * Vector bytes inserted after which the memory their requests left behind is released, graph or
 * not: a 1k × 512-d bulk load into a graph-less collection left ~40 MB of parsed request bodies
 * (RSS 74 → 114 MB, 81 MB after a release), which the seed's 1k limit of 100 MB counts.
 */
const RELEASE_AFTER_INSERTED_BYTES = 1 << 20;
/** How long the server must see no data operation before releasing memory. */
const QUIET_MS = 250;

/** Calls `check` once a quiet period has passed; cancel() stops it first. */
export type QuietTimer = (check: () => void) => { cancel(): void };

const quietTimeout: QuietTimer = (check) => {
  const timer = setTimeout(check, QUIET_MS);
  return { cancel: () => clearTimeout(timer) };
};
/**
 * A request seen this recently makes the server busy: under a closed loop of clients there are
 * instants with no request in flight, and an idle-sized merge step there stalls the next ones.
 */
const BUSY_WINDOW_MS = 50;
/** A search this recent makes merge steps run at their busy pace even under a bulk load. */
const QUERY_QUIET_MS = 1000;

export const DEFAULT_STORE_OPTIONS: StoreOptions = {
  checkpointWalBytes: 64 * 1024 * 1024,
  mergeBudgetMs: 3,
  busyMergeIntervalMs: 12,
  idleMergeBudgetMs: 40,
  ingestMergeIntervalMs: 100,
  indexParams: DEFAULT_INDEX_PARAMS,
};

/** Counters the metrics endpoint exports. */
export interface StoreCounters {
  inserts: number;
  deletes: number;
  queries: number;
  compactions: number;
  /** Times freed memory was given back to the OS (releaseMemory). */
  memoryReleases: number;
  recoveredRecords: number;
  truncatedWalBytes: number;
  /** Intact WAL records after damage that `recover` dropped (set aside, not replayed). */
  droppedRecords: number;
}

/**
 * All collections plus their durability: every mutation is logged to the WAL (group commit)
 * and applied in memory only once durable. Recovery = newest snapshot + replay of later WAL
 * segments. Owner checks: a collection is visible only to its owner tenant.
 */
export class Store {
  readonly collections: Map<string, Collection> = new Map();
  readonly counters: StoreCounters = {
    inserts: 0,
    deletes: 0,
    queries: 0,
    compactions: 0,
    memoryReleases: 0,
    recoveredRecords: 0,
    truncatedWalBytes: 0,
    droppedRecords: 0,
  };
  #wal!: Wal;
  #reservedNames = new Set<string>();
  #mergeTimer: ReturnType<typeof setTimeout> | null = null;
  #releaseTimer: { cancel(): void } | null = null;
  #mergedSinceRelease = 0;
  #insertedSinceRelease = 0;
  #checkpointing: Promise<void> | null = null;
  #closed = false;
  #snapshotVectorBytes = 0;
  /** The snapshot replay would start from now (null: none yet, the log from segment 0 on). */
  #snapshotSeq: number | null = null;
  /**
   * Test hook: with AKIBENCH_TEST_CHECKPOINT_STALL=PATH set, a checkpoint that has rolled the
   * WAL over to a new segment creates PATH and never writes its snapshot (a crash there leaves
   * the newest segment beyond the one CURRENT's snapshot starts); the server keeps serving.
   */
  #checkpointStall = testHookPath("AKIBENCH_TEST_CHECKPOINT_STALL");
  #activeRequests = 0;
  #lastRequestAt = -Infinity;
  #lastInsertAt = -Infinity;
  #lastQueryAt = -Infinity;
  #lastIngestMergeAt = 0;
  /** Worker threads for heavy searches (started on the first one). */
  #scans = new ScanPool();

  private constructor(readonly dataDir: string, readonly options: StoreOptions) {}

  /** Opens (or creates) the store in `dataDir`, recovering its state. */
  static async open(dataDir: string, options: Partial<StoreOptions> = {}): Promise<Store> {
    await Deno.mkdir(dataDir, { recursive: true });
    const store = new Store(dataDir, { ...DEFAULT_STORE_OPTIONS, ...options });
    await store.#recover();
    store.#scheduleRelease(); // recovery leaves parsed snapshot and WAL buffers behind
    return store;
  }

  /** Called by the HTTP layer as each request starts. */
  requestStarted(): void {
    this.#activeRequests++;
    this.#lastRequestAt = performance.now();
  }

  /** Called by the HTTP layer as each request ends. */
  requestFinished(): void {
    this.#activeRequests--;
    this.#lastRequestAt = performance.now();
  }

  /** A request is in flight or ended less than BUSY_WINDOW_MS ago: merges take small steps. */
  get busy(): boolean {
    return this.#activeRequests > 0 || performance.now() - this.#lastRequestAt < BUSY_WINDOW_MS;
  }

  get indexParams(): IndexParams {
    return this.options.indexParams;
  }

  get walBytes(): number {
    return this.#wal.sizeBytes;
  }

  get walSyncs(): number {
    return this.#wal.syncs;
  }

  /** Collections owned by `owner`, oldest first. */
  list(owner: string): Collection[] {
    return [...this.collections.values()].filter((c) => c.meta.owner === owner);
  }

  /** The collection `id` if `owner` owns it, else not found (never leaks another tenant's ids). */
  get(id: string, owner: string): Collection {
    const collection = this.collections.get(id);
    if (!collection || collection.meta.owner !== owner) {
      throw new DomainError("not_found", `collection ${id} not found`);
    }
    return collection;
  }

  /** Creates a collection; index quantization `auto` is resolved for its metric here. */
  async createCollection(requested: CollectionMeta): Promise<Collection> {
    const meta = { ...requested, index: indexParamsFor(requested.index, requested.metric) };
    const key = `${meta.owner}\u0000${meta.name}`;
    if (
      this.#reservedNames.has(key) || this.list(meta.owner).some((c) => c.meta.name === meta.name)
    ) {
      throw new DomainError("conflict", `collection named '${meta.name}' already exists`);
    }
    this.#reservedNames.add(key);
    try {
      return await this.#log({ type: "create_collection", meta }, () => this.#applyCreate(meta));
    } finally {
      this.#reservedNames.delete(key);
    }
  }

  async deleteCollection(collection: Collection): Promise<void> {
    const collectionId = collection.meta.id;
    await this.#log({ type: "delete_collection", collectionId }, () => {
      if (collection.dropped) {
        throw new DomainError("not_found", `collection ${collectionId} not found`);
      }
      this.#applyDeleteCollection(collectionId);
    });
  }

  /** Inserts documents; all doc_ids are checked (conflict) before anything is written. */
  async insert(collection: Collection, docs: NewDocument[]): Promise<void> {
    this.#lastInsertAt = performance.now();
    const reserved: string[] = [];
    try {
      for (const doc of docs) {
        collection.reserve(doc.docId);
        reserved.push(doc.docId);
      }
    } catch (error) {
      for (const docId of reserved) collection.release(docId);
      throw error;
    }
    const collectionId = collection.meta.id;
    const insertedAt = Date.now();
    const vectors = new Float32Array(docs.length * collection.meta.dimension);
    docs.forEach((doc, i) => vectors.set(doc.vector, i * collection.meta.dimension));
    const record: WalRecord = {
      type: "insert",
      collectionId,
      docs: docs.map(({ docId, externalId }) => ({ docId, externalId, insertedAt })),
      vectors,
    };
    try {
      // One record and one synchronous apply: the batch is all or nothing on disk and readers
      // see none of it or all of it.
      await this.#log(record, () => {
        if (collection.dropped) {
          throw new DomainError("not_found", `collection ${collectionId} not found`);
        }
        this.#applyInsert(collection, record);
        this.counters.inserts += docs.length;
      });
    } finally {
      for (const docId of reserved) collection.release(docId);
    }
    this.#insertedSinceRelease += vectors.byteLength;
    if (this.#insertedSinceRelease >= RELEASE_AFTER_INSERTED_BYTES) {
      this.#insertedSinceRelease = 0;
      this.#scheduleRelease();
    }
    this.#scheduleMerge();
  }

  async deleteDocument(collection: Collection, docId: string): Promise<void> {
    const collectionId = collection.meta.id;
    if (!collection.hasDocument(docId)) {
      throw new DomainError("not_found", `document ${docId} not found`);
    }
    await this.#log({ type: "delete_doc", collectionId, docId }, () => {
      if (collection.dropped || !collection.applyDelete(docId)) {
        throw new DomainError("not_found", `document ${docId} not found`);
      }
      this.counters.deletes++;
    });
  }

  query(collection: Collection, vector: Float32Array, k: number): Promise<DocumentHit[]> {
    this.counters.queries++;
    this.#lastQueryAt = performance.now();
    return collection.query(vector, k, this.#scans);
  }

  /**
   * Vectors waiting to be merged into HNSW graphs, over all collections. A collection below its
   * exact-search threshold, or whose graph tiering dropped, is searched exactly by design: its
   * buffer waits for nothing, and counting it would make the backlog look stuck.
   */
  pendingVectors(): number {
    let sum = 0;
    for (const c of this.collections.values()) {
      if (c.index.detached || c.documentCount < c.meta.index.exactThreshold) continue;
      sum += c.index.pendingCount;
    }
    return sum;
  }

  /** Snapshots every collection and drops the WAL segments the snapshot covers. */
  checkpoint(): Promise<void> {
    if (!this.#checkpointing) {
      this.#checkpointing = this.#checkpoint().finally(() => (this.#checkpointing = null));
    }
    return this.#checkpointing;
  }

  /** Flushes the WAL, writes a final snapshot and closes files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#mergeTimer !== null) clearTimeout(this.#mergeTimer);
    this.#releaseTimer?.cancel();
    this.#scans.close();
    await this.#wal.drain();
    await this.checkpoint();
    await this.#wal.close();
  }

  #log<T>(record: WalRecord, apply: () => T): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new DomainError("unavailable", "server is shutting down"));
    }
    const result = this.#wal.append(record, apply);
    const limit = Math.max(this.options.checkpointWalBytes, this.#snapshotVectorBytes / 2);
    if (this.#wal.sizeBytes > limit) {
      this.checkpoint().catch((error) => {
        console.error(`akibench server: checkpoint failed (WAL kept, will retry): ${error}`);
      });
    }
    return result;
  }

  async #checkpoint(): Promise<void> {
    const staging = await prepareSnapshotDir(this.dataDir);
    const { seq, captures } = await this.#wal.rotate(() => ({
      seq: this.#wal.seq + 1,
      captures: captureCollections(this.collections.values(), staging),
    }));
    if (this.#checkpointStall !== undefined) {
      await Deno.writeTextFile(this.#checkpointStall, "stalled");
      await new Promise(() => {});
    }
    // The previous generation (snapshot and the WAL from it on) stays until the next one is
    // written: it is what serve --recover starts from if this snapshot is found damaged.
    const previous = this.#snapshotSeq;
    try {
      await writeSnapshot(this.dataDir, seq, captures, previous);
    } finally {
      releaseCaptures(captures);
    }
    this.#snapshotSeq = seq;
    // An image recovered from an older snapshot dir (removed now or at the next checkpoint) is
    // in the new one.
    const oldSnapshots = join(this.dataDir, "snapshots");
    for (const { collection, evicted } of captures) {
      const location = collection.evictedLocation;
      if (evicted?.file && location?.file?.startsWith(oldSnapshots)) {
        const file = join(oldSnapshots, String(seq), `${collection.meta.id}.image`);
        collection.relocate({ ...location, file });
      }
    }
    this.#snapshotVectorBytes = captures.reduce(
      (sum, c) => sum + c.count * c.collection.meta.dimension * 4,
      0,
    );
    for (const old of await listWalSegments(this.dataDir)) {
      if (old < (previous ?? 0)) await Deno.remove(join(this.dataDir, walSegmentName(old)));
    }
    this.counters.compactions++;
    this.#scheduleRelease();
  }

  #applyCreate(meta: CollectionMeta): Collection {
    const collection = new Collection(meta);
    this.collections.set(meta.id, collection);
    return collection;
  }

  #applyDeleteCollection(id: string): void {
    const collection = this.collections.get(id);
    if (!collection) return;
    collection.dropped = true;
    this.collections.delete(id);
    this.#scheduleRelease();
  }

  #applyInsert(collection: Collection, record: WalRecord & { type: "insert" }): void {
    const dimension = collection.meta.dimension;
    record.docs.forEach(({ docId, externalId, insertedAt }, i) => {
      if (collection.hasDocument(docId)) return; // replayed onto a snapshot that has it
      const vector = record.vectors.subarray(i * dimension, (i + 1) * dimension);
      collection.applyInsert(docId, externalId, insertedAt, vector);
    });
  }

  async #replay(record: WalRecord): Promise<void> {
    if (record.type === "create_collection") {
      this.#applyCreate(record.meta);
    } else if (record.type === "delete_collection") {
      this.#applyDeleteCollection(record.collectionId);
    } else {
      const collection = this.collections.get(record.collectionId);
      if (!collection) return;
      if (!collection.resident) await this.#loadEvicted(collection);
      if (record.type === "insert") {
        this.#applyInsert(collection, record);
      } else {
        collection.applyDelete(record.docId);
      }
    }
  }

  /**
   * Checks the whole data dir before changing anything on it: damage throws StorageDamage
   * (unless `recover`), leaving every file as it was. Then a torn WAL tail is cut.
   */
  async #recover(): Promise<void> {
    const state = await readStartState(this.dataDir, this.options.recover === true);
    const { wal, snapshotSeq } = state;
    const aside = await setAsideRecovered(this.dataDir, state);
    const from = snapshotSeq === null ? "an empty state" : `snapshot ${snapshotSeq}`;
    if (state.snapshotDamage !== null) {
      console.error(
        `akibench server: recovered from ${state.snapshotDamage.message}: started from ${from}, ` +
          `the newest intact generation, and replayed ${wal.records.length} WAL records from ` +
          `${walSegmentName(snapshotSeq ?? 0)} on; the damaged ` +
          `${state.current === null ? "CURRENT" : `snapshot ${state.current}`} is in ${aside}`,
      );
    }
    if (state.headDamage !== null) {
      console.error(
        `akibench server: recovered from ${state.headDamage.message}: a missing newest WAL ` +
          `segment could not be seen; WAL_HEAD is rewritten, the damaged one is in ${aside}`,
      );
    }
    if (wal.damage !== null) {
      this.counters.droppedRecords = wal.droppedRecords;
      console.error(
        `akibench server: recovered from ${wal.damage.error.message}: kept ${wal.records.length} ` +
          `records, dropped ${wal.droppedRecords}; the discarded log is in ${aside}`,
      );
    }
    if (wal.torn !== null) {
      const path = join(this.dataDir, walSegmentName(wal.torn.seq));
      await Deno.truncate(path, wal.torn.offset);
      this.counters.truncatedWalBytes = wal.torn.bytes;
      console.error(
        `akibench server: ${path}: cut an unfinished final write at byte ${wal.torn.offset} ` +
          `(${wal.torn.bytes} bytes, never acknowledged)`,
      );
    }
    this.#snapshotSeq = snapshotSeq;
    for (const collection of state.collections) {
      this.collections.set(collection.meta.id, collection);
      this.#snapshotVectorBytes += collection.vectors.bytes;
    }
    this.counters.recoveredRecords = wal.records.length;
    for (const record of wal.records) await this.#replay(record);
    for (const collection of this.collections.values()) {
      collection.index.resetPending(collection.liveSlots());
    }
    const kept = wal.damage === null
      ? wal.segments
      : wal.segments.filter((s) => s <= wal.damage!.seq);
    this.#wal = await Wal.open(this.dataDir, kept.at(-1) ?? snapshotSeq ?? 0);
    if (state.format !== "current") await writeStorageFormat(this.dataDir);
    this.#scheduleMerge();
  }

  /**
   * Makes an evicted collection resident from its image (tiering does this itself; this is
   * for a server started without tiering on a data dir that has evicted collections).
   */
  async loadEvicted(collection: Collection): Promise<void> {
    if (!collection.resident) await this.#loadEvicted(collection);
  }

  /** Loads a collection the snapshot holds as evicted, to replay later writes onto it. */
  async #loadEvicted(collection: Collection): Promise<void> {
    const { file, objectKey } = collection.evictedLocation!;
    if (file === null && this.options.fetchImage === undefined) {
      throw new Error(
        `collection ${collection.meta.id} is in object ${objectKey} and no object store is set`,
      );
    }
    const bytes = file !== null
      ? await Deno.readFile(file)
      : await this.options.fetchImage!(objectKey);
    await collection.load(bytes).catch((error) => {
      throw new StorageDamage(file ?? `object ${objectKey}`, null, (error as Error).message);
    });
  }

  #scheduleMerge(): void {
    if (this.#mergeTimer !== null || this.#closed) return;
    this.#mergeTimer = setTimeout(() => {
      this.#mergeTimer = null;
      if (this.#yieldsToIngest()) {
        this.#scheduleMerge();
        return;
      }
      let more = false;
      const started = performance.now();
      const busy = this.busy;
      const budget = busy ? this.options.mergeBudgetMs : this.options.idleMergeBudgetMs;
      for (const c of this.collections.values()) {
        const pending = c.index.pendingCount;
        if (pending === 0 || c.index.detached) continue;
        if (c.documentCount < c.meta.index.exactThreshold) {
          c.index.merge(budget, c.documentCount); // compacts only
          continue;
        }
        more = true;
        const left = budget - (performance.now() - started); // one budget for the whole step
        if (left <= 0) break;
        this.#mergedSinceRelease += c.index.merge(left, c.documentCount);
      }
      if (more) {
        this.#scheduleMerge();
      } else if (this.#mergedSinceRelease >= RELEASE_AFTER_MERGED) {
        this.#mergedSinceRelease = 0;
        this.#scheduleRelease();
      }
    }, this.busy ? this.options.busyMergeIntervalMs : 1);
  }

  /**
   * Whether this merge step gives way to a bulk load (see ingestMergeIntervalMs). Merging then
   * cost 3 ms of every 12 of the server's event loop at 1M × 512, and as much CPU the load's
   * client lacked on a 2-core machine; the backlog is indexed after the load instead.
   */
  #yieldsToIngest(): boolean {
    const now = performance.now();
    const ingesting = this.busy && this.#lastInsertAt > this.#lastQueryAt &&
      now - this.#lastQueryAt >= QUERY_QUIET_MS;
    if (!ingesting || now - this.#lastIngestMergeAt >= this.options.ingestMergeIntervalMs) {
      if (ingesting) this.#lastIngestMergeAt = now;
      return false;
    }
    return true;
  }

  /**
   * After a bulk of work (indexing caught up after many vectors, a checkpoint, a collection
   * delete, recovery), gives the freed memory back to the OS with releaseMemory, whose full
   * garbage collection pauses the server for milliseconds: so only once the server is quiet,
   * no request in flight and no insert, query or delete for QUIET_MS.
   */
  #scheduleRelease(): void {
    if (this.#releaseTimer !== null || this.#closed) return;
    const operations = () => this.counters.inserts + this.counters.queries + this.counters.deletes;
    let seen = operations();
    const wait = this.options.quietTimer ?? quietTimeout;
    const check = () => {
      const now = operations();
      if (this.#activeRequests > 0 || now !== seen) {
        seen = now;
        this.#releaseTimer = wait(check);
        return;
      }
      this.#releaseTimer = null;
      releaseMemory();
      this.counters.memoryReleases++;
    };
    this.#releaseTimer = wait(check);
  }
}
