import type { PortableRecallTruth, RecallTruth } from "./recall_truth.ts";
import type { MeasuredSearch } from "./score_searches.ts";
import type { WriteLog } from "./write_log.ts";
import type { JournalSearch, JournalWrite } from "./write_journal.ts";

/** What a `run --workers N` load worker's journal gained since its previous report. */
export interface JournalDelta {
  searches: JournalSearch[];
  writes: JournalWrite[];
  /** When the worker reported (epoch ms): it has acknowledged no write since then unreported. */
  reportedAt: number;
}

/** What the main thread posts to the live-recall worker. */
export type LiveRecallRequest =
  | {
    type: "init";
    truth: PortableRecallTruth;
    collections: number;
    /** Load workers whose journals `journal` batches come from (0: one process, `batch`). */
    workers: number;
  }
  | { type: "journal"; worker: number; delta: JournalDelta }
  | {
    type: "batch";
    /** Per collection, the writes acknowledged since the last batch, in log order. */
    writes: { docIds: string[]; vectors: Float32Array; removed: number[] }[];
    searches: MeasuredSearch[];
  };

/** The worker's recall over every measured search it has scored so far. */
export interface LiveRecallScore {
  k: number;
  /** Mean recall@k; null before the first search was scored. */
  overall: number | null;
  samples: number;
}

/**
 * Scores the measured searches while the load runs, in a worker thread, so that recall is a
 * live figure: the generator's event loop only copies what is new since the last `flush`
 * (acknowledged writes and measured searches, about once a second) into one message; the
 * worker keeps its own copy of the write logs and scores each search with the same exact truth
 * as the final scoring (scoreSearches), so its running figure is the final recall of the
 * searches seen so far. The RunResult's recall is still computed after the load, as before:
 * this is only what /metrics and the status line show meanwhile.
 */
export class LiveRecall {
  readonly #worker: Worker;
  readonly #logs: WriteLog[];
  readonly #searches: readonly MeasuredSearch[];
  readonly #sentInserted: number[];
  readonly #sentRemoved: number[];
  #sentSearches = 0;
  #closed = false;
  #scored = 0;
  #batches = 0;
  #waiters: { batch: number; resolve: () => void }[] = [];

  /**
   * `searches` is the executor's list of measured searches (appended to during the load);
   * `onScore` gets the running recall after each batch is scored.
   */
  constructor(
    truth: RecallTruth,
    removals: boolean,
    logs: WriteLog[],
    searches: readonly MeasuredSearch[],
    onScore: (score: LiveRecallScore) => void,
    workers = 0,
  ) {
    this.#logs = logs;
    this.#searches = searches;
    this.#sentInserted = logs.map(() => 0);
    this.#sentRemoved = logs.map(() => 0);
    this.#worker = new Worker(new URL("./live_recall_worker.ts", import.meta.url), {
      type: "module",
    });
    this.#worker.onmessage = (e: MessageEvent<LiveRecallScore>) => {
      if (this.#closed) return;
      this.#scored++;
      onScore(e.data);
      this.#waiters = this.#waiters.filter((w) => w.batch > this.#scored || (w.resolve(), false));
    };
    const init: LiveRecallRequest = {
      type: "init",
      truth: truth.portable(removals),
      collections: logs.length,
      workers,
    };
    this.#worker.postMessage(init);
  }

  /** Posts the writes and measured searches since the last flush (nothing when none). */
  flush(): void {
    if (this.#closed) return;
    const searches = this.#searches.slice(this.#sentSearches);
    this.#sentSearches = this.#searches.length;
    if (searches.length === 0) return;
    const transfer: ArrayBuffer[] = [];
    const writes = this.#logs.map((log, c) => {
      const fresh = log.inserted.slice(this.#sentInserted[c]);
      this.#sentInserted[c] = log.inserted.length;
      // Packed into one buffer (transferred): a posted subarray would clone its whole buffer.
      const dim = fresh[0]?.vector.length ?? 0;
      const vectors = new Float32Array(fresh.length * dim);
      fresh.forEach((w, i) => vectors.set(w.vector, i * dim));
      transfer.push(vectors.buffer);
      const removed = log.removedRows.slice(this.#sentRemoved[c]);
      this.#sentRemoved[c] = log.removedRows.length;
      return { docIds: fresh.map((w) => w.docId), vectors, removed };
    });
    const batch: LiveRecallRequest = { type: "batch", writes, searches };
    this.#worker.postMessage(batch, transfer);
    this.#batches++;
  }

  /**
   * A load worker's journal since its last report (`run --workers N`): the searches are scored
   * once every worker has reported past the time they were sent, so that every write
   * acknowledged before them, by any worker, is in their truth, as in the final pooled scoring.
   */
  journal(worker: number, delta: JournalDelta): void {
    if (this.#closed) return;
    const msg: LiveRecallRequest = { type: "journal", worker, delta };
    this.#worker.postMessage(msg);
    this.#batches++;
  }

  /** Resolves once every batch posted so far has been scored (tests and benchmarks). */
  scored(): Promise<void> {
    if (this.#scored >= this.#batches) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ batch: this.#batches, resolve }));
  }

  /** Stops the worker; scores still on their way are ignored. */
  close(): void {
    this.#closed = true;
    this.#worker.terminate();
    for (const w of this.#waiters) w.resolve();
    this.#waiters = [];
  }
}
