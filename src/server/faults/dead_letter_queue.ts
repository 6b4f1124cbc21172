/** An S3 write that failed for good (permanent error, retries exhausted, or breaker open). */
export interface DeadLetter {
  id: number;
  collectionId: string;
  objectKey: string;
  /** What the write was for, e.g. "demote_to_cold" or "snapshot". */
  purpose: string;
  error: string;
  permanent: boolean;
  attempts: number;
  failedAt: string;
  /** Performs the write again (reading the current local copy); throws when it fails. */
  replay: () => Promise<void>;
}

export const AKIDB_DLQ_CAPACITY = 10_000;

/** Bounded dead-letter queue; when full the oldest entry is dropped (and counted). */
export class DeadLetterQueue {
  #entries: DeadLetter[] = [];
  #nextId = 1;
  #dropped = 0;

  constructor(readonly capacity: number = AKIDB_DLQ_CAPACITY) {}

  add(entry: Omit<DeadLetter, "id" | "failedAt">): DeadLetter {
    const letter = { ...entry, id: this.#nextId++, failedAt: new Date().toISOString() };
    this.#entries.push(letter);
    if (this.#entries.length > this.capacity) {
      this.#entries.shift();
      this.#dropped++;
    }
    return letter;
  }

  /** Takes all of a collection's entries out of the queue (the caller re-adds failures). */
  takeForCollection(collectionId: string): DeadLetter[] {
    const taken = this.#entries.filter((e) => e.collectionId === collectionId);
    this.#entries = this.#entries.filter((e) => e.collectionId !== collectionId);
    return taken;
  }

  /**
   * Takes out the entries a later attempt may land: not permanent failures (400/403/404), which
   * stay for an operator's explicit retry.
   */
  takeRetryable(): DeadLetter[] {
    const taken = this.#entries.filter((e) => !e.permanent);
    this.#entries = this.#entries.filter((e) => e.permanent);
    return taken;
  }

  /** Entries the automatic replay would take. */
  retryableCount(): number {
    return this.#entries.reduce((n, e) => n + (e.permanent ? 0 : 1), 0);
  }

  /** Drops a collection's entries (the collection is gone). */
  discardCollection(collectionId: string): void {
    this.#entries = this.#entries.filter((e) => e.collectionId !== collectionId);
  }

  entries(): readonly DeadLetter[] {
    return this.#entries;
  }

  size(): number {
    return this.#entries.length;
  }

  dropped(): number {
    return this.#dropped;
  }
}
