import type { ObjectStore } from "../s3/object_store.ts";
import { classifyS3Error, type S3Failure } from "../s3/s3_failure.ts";
import type { CircuitBreaker } from "./circuit_breaker.ts";
import type { DeadLetter, DeadLetterQueue } from "./dead_letter_queue.ts";
import { backoffDelayMs, type RetryPolicy } from "./retry_policy.ts";
import { setTimeout as sleep } from "node:timers/promises";

/** An S3 operation that failed after the retry policy (or at once: permanent, breaker open). */
export class S3OperationError extends Error {
  constructor(readonly failure: S3Failure, readonly attempts: number) {
    super(`S3 ${failure.code}${failure.status ? ` (${failure.status})` : ""}: ${failure.message}`);
    this.name = "S3OperationError";
  }
}

/** One object write that must not be lost: it either lands in S3 or in the dead-letter queue. */
export interface UploadRequest {
  collectionId: string;
  key: string;
  purpose: string;
  /** Produces the bytes at (re)try time, from the local copy that stays until success. */
  bytes: () => Promise<Uint8Array>;
  /** Runs once the object is in S3 (e.g. removes the local copy). */
  onUploaded?: () => Promise<void>;
  /** Checked before a replay: false when a later write made this one moot (replay succeeds). */
  stillNeeded?: () => boolean;
}

/** Successful uploads/downloads, retries and permanent failures since start. */
export interface S3Counters {
  uploads: number;
  downloads: number;
  retries: number;
  permanent_failures: number;
}

export interface DlqRetryResult {
  collection_id: string;
  retried_count: number;
  success_count: number;
  failed_count: number;
}

const BREAKER_OPEN: S3Failure = {
  permanent: false,
  code: "CircuitOpen",
  message: "circuit breaker open",
};

/** Retry with backoff, circuit breaker and dead-letter queue around an ObjectStore. */
export class ResilientObjectStore {
  uploads = 0;
  downloads = 0;
  retries = 0;
  permanentFailures = 0;
  /** Dead letters the automatic replay landed in S3. */
  dlqReplayed = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly retry: RetryPolicy,
    readonly breaker: CircuitBreaker,
    readonly dlq: DeadLetterQueue,
  ) {}

  /** Uploads, or dead-letters the write; resolves true when the object is in S3. */
  async upload(request: UploadRequest): Promise<boolean> {
    try {
      await this.#put(request);
      return true;
    } catch (error) {
      if (!(error instanceof S3OperationError)) throw error;
      this.#deadLetter(request, error);
      return false;
    }
  }

  async download(key: string): Promise<Uint8Array> {
    const bytes = await this.#withRetries(() => this.store.get(key));
    this.downloads++;
    return bytes;
  }

  async head(key: string): Promise<number | null> {
    return await this.#withRetries(() => this.store.head(key));
  }

  async remove(key: string): Promise<void> {
    await this.#withRetries(() => this.store.delete(key));
  }

  async list(prefix: string): Promise<string[]> {
    return await this.#withRetries(() => this.store.list(prefix));
  }

  /** Replays a collection's dead letters once each; failures go back into the queue. */
  async retryDeadLetters(collectionId: string): Promise<DlqRetryResult> {
    const letters = this.dlq.takeForCollection(collectionId);
    let ok = 0;
    for (const letter of letters) if (await this.#replay(letter)) ok++;
    return {
      collection_id: collectionId,
      retried_count: letters.length,
      success_count: ok,
      failed_count: letters.length - ok,
    };
  }

  /**
   * The automatic replay: the retryable dead letters, oldest first, one at a time while the
   * breaker lets requests through (each success is a half-open trial that helps close it). At
   * the first failure the rest go back untouched for the next round. Returns how many landed.
   */
  async drainDeadLetters(): Promise<number> {
    const letters = this.dlq.takeRetryable();
    let ok = 0, next = 0;
    while (next < letters.length && this.breaker.allowRequest()) {
      if (!(await this.#replay(letters[next++]))) break;
      ok++;
    }
    for (const { id: _id, failedAt: _at, ...rest } of letters.slice(next)) this.dlq.add(rest);
    this.dlqReplayed += ok;
    return ok;
  }

  /** Replays one dead letter; on failure it goes back into the queue with its new error. */
  async #replay(letter: DeadLetter): Promise<boolean> {
    try {
      await letter.replay();
      return true;
    } catch (error) {
      const failure = error instanceof S3OperationError
        ? error
        : new S3OperationError(classifyS3Error(error), 0);
      const { id: _id, failedAt: _at, ...rest } = letter;
      this.dlq.add({ ...rest, error: failure.message, attempts: rest.attempts + failure.attempts });
      return false;
    }
  }

  /** The akidb_s3_*_total counters. */
  counters(): S3Counters {
    return {
      uploads: this.uploads,
      downloads: this.downloads,
      retries: this.retries,
      permanent_failures: this.permanentFailures,
    };
  }

  /** Metric lines beyond the contract's (which the core renders through Resilience). */
  counterText(): string {
    return [
      "# HELP akidb_circuit_breaker_trips_total Times the S3 circuit breaker opened.",
      "# TYPE akidb_circuit_breaker_trips_total counter",
      `akidb_circuit_breaker_trips_total ${this.breaker.trips()}`,
      "# HELP akidb_dlq_dropped_total Dead letters dropped because the queue was full.",
      "# TYPE akidb_dlq_dropped_total counter",
      `akidb_dlq_dropped_total ${this.dlq.dropped()}`,
      "# HELP akidb_dlq_replayed_total Dead letters the automatic replay landed in S3.",
      "# TYPE akidb_dlq_replayed_total counter",
      `akidb_dlq_replayed_total ${this.dlqReplayed}`,
      "",
    ].join("\n");
  }

  async #put(request: UploadRequest): Promise<void> {
    const bytes = await request.bytes();
    await this.#withRetries(() => this.store.put(request.key, bytes));
    this.uploads++;
    await request.onUploaded?.();
  }

  #deadLetter(request: UploadRequest, error: S3OperationError): void {
    this.dlq.add({
      collectionId: request.collectionId,
      objectKey: request.key,
      purpose: request.purpose,
      error: error.message,
      permanent: error.failure.permanent,
      attempts: error.attempts,
      replay: async () => {
        if (request.stillNeeded?.() !== false) await this.#put(request);
      },
    });
  }

  async #withRetries<T>(op: () => Promise<T>): Promise<T> {
    for (let attempt = 1;; attempt++) {
      if (!this.breaker.allowRequest()) throw new S3OperationError(BREAKER_OPEN, attempt - 1);
      try {
        const value = await op();
        this.breaker.recordSuccess();
        return value;
      } catch (error) {
        const failure = classifyS3Error(error);
        if (failure.permanent) {
          // A 404 on read/head is an answer from a healthy S3, not a sign of trouble.
          this.breaker.recordSuccess();
          this.permanentFailures++;
          throw new S3OperationError(failure, attempt);
        }
        this.breaker.recordFailure();
        if (attempt > this.retry.maxRetries) throw new S3OperationError(failure, attempt);
        this.retries++;
        await sleep(backoffDelayMs(this.retry, attempt));
      }
    }
  }
}
