import type { Collection } from "../collection.ts";
import type { ResilientObjectStore } from "../faults/resilient_object_store.ts";
import { encodeSlotBatch } from "./slot_batch.ts";

interface Watermark {
  uploadedTo: number;
  deletedSeen: Set<number>;
}

/** Prefix of a collection's batch objects. */
export function batchPrefix(collectionId: string): string {
  return `batches/${collectionId}/`;
}

/** Object key of a batch; zero-padded so keys sort by slot. */
export function batchKey(collectionId: string, fromSlot: number, toSlot: number): string {
  const pad = (n: number) => String(n).padStart(10, "0");
  return `${batchPrefix(collectionId)}${pad(fromSlot)}-${pad(toSlot)}.akb`;
}

/** Batch uploads (and batch removals) in flight at once, over all collections. */
export const MAX_UPLOADS_IN_FLIGHT = 4;

/**
 * The background S3 batch uploader: every interval, each collection's documents written since
 * its last batch (new slots, newly deleted slots) go to S3 as one object, up to
 * MAX_UPLOADS_IN_FLIGHT uploads (each with its retries) at once; when that many are in flight
 * the flush stops and the next batches cover everything since. A batch that cannot be uploaded
 * goes to the dead-letter queue (the data stays in the WAL and in memory); a DLQ retry
 * re-encodes the same slots. When a collection it uploaded for is deleted, its batch objects are
 * deleted too (once that collection's uploads in flight have ended). A collection deleted just
 * before a crash keeps its batches: other servers may share the bucket, so nothing is deleted
 * that this process did not see go.
 */
export class BatchUploader {
  #marks = new Map<string, Watermark>();
  /** Uploads and batch removals in flight. */
  #inFlight = new Set<Promise<void>>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(
    private readonly s3: ResilientObjectStore,
    private readonly collections: () => Map<string, Collection>,
    private readonly intervalMs: () => number,
  ) {}

  start(): void {
    this.#stopped = false;
    this.#arm();
  }

  /** Stops flushing and waits for the uploads in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Starts an upload for each changed collection (up to the in-flight limit). */
  flush(): void {
    const collections = this.collections();
    for (const id of this.#marks.keys()) {
      if (collections.has(id)) continue;
      this.#marks.delete(id);
      this.#track(this.#removeBatches(id));
    }
    for (const [id, collection] of collections) {
      if (this.#inFlight.size >= MAX_UPLOADS_IN_FLIGHT) return;
      // An evicted collection has no new writes (writes make it hot first).
      if (!collection.resident) continue;
      let mark = this.#marks.get(id);
      if (mark === undefined) this.#marks.set(id, mark = { uploadedTo: 0, deletedSeen: new Set() });
      const to = collection.vectors.count;
      const flags = collection.deletedFlags(to);
      const deleted: number[] = [];
      for (let slot = 0; slot < to; slot++) {
        if (flags[slot] === 1 && !mark.deletedSeen.has(slot)) deleted.push(slot);
      }
      if (to === mark.uploadedTo && deleted.length === 0) continue;
      const from = mark.uploadedTo;
      mark.uploadedTo = to;
      for (const slot of deleted) mark.deletedSeen.add(slot);
      const upload = this.s3.upload({
        collectionId: id,
        key: batchKey(id, from, to),
        purpose: "batch",
        bytes: () => {
          const current = this.collections().get(id);
          if (current === undefined) throw new Error(`collection ${id} no longer exists`);
          if (!current.resident) throw new Error(`collection ${id} was evicted; retry later`);
          return Promise.resolve(encodeSlotBatch(current, from, to, deleted));
        },
      });
      this.#track(upload);
    }
  }

  /** Deletes a deleted collection's batches, after the uploads that may still write some. */
  async #removeBatches(id: string): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    for (const key of await this.s3.list(batchPrefix(id))) await this.s3.remove(key);
  }

  /** Keeps `work` in flight until it settles (its failures are the S3 layer's to count). */
  #track(work: Promise<unknown>): void {
    const tracked: Promise<void> = work.then(() => {}, () => {}).finally(() =>
      this.#inFlight.delete(tracked)
    );
    this.#inFlight.add(tracked);
  }

  /** Flushes every intervalMs(); while that is 0 (uploads off) it looks again each second. */
  #arm(): void {
    if (this.#stopped) return;
    const ms = this.intervalMs();
    this.#timer = setTimeout(() => {
      if (ms > 0) this.flush();
      this.#arm();
    }, ms > 0 ? ms : 1000);
  }
}
