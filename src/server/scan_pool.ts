import type { ExactScanJob, ExactScanResult } from "./exact_scan.ts";

interface Queued {
  job: ExactScanJob;
  resolve(result: ExactScanResult): void;
  reject(error: Error): void;
}

type Reply = { result: ExactScanResult; error?: undefined } | { error: string };

/**
 * Worker threads that run exact scans (exact_scan.ts) off the request loop: a top_k 10,000
 * search scans every vector (100k × 128: ~36 ms of JS), and four clients repeating it on the
 * request loop, even in yielding slices, pushed small queries' p50 from ~2.6 ms to ~32 ms
 * (issue 19 item 7). The vectors are shared (SharedArrayBuffer), so a job carries only the query,
 * the live flags and references. Workers start on the first job; jobs beyond the number of
 * workers wait in order. `close` ends the workers; jobs still waiting or running then fail.
 */
export class ScanPool {
  #idle: Worker[] = [];
  #busy = new Map<Worker, Queued>();
  #queue: Queued[] = [];
  #closed = false;

  /** One worker per core but one (the request loop's), at least one. */
  constructor(readonly size: number = Math.max(1, navigator.hardwareConcurrency - 1)) {}

  scan(job: ExactScanJob): Promise<ExactScanResult> {
    if (this.#closed) return Promise.reject(new Error("scan pool is closed"));
    const { promise, resolve, reject } = Promise.withResolvers<ExactScanResult>();
    this.#queue.push({ job, resolve, reject });
    this.#next();
    return promise;
  }

  close(): void {
    this.#closed = true;
    const stopped = new Error("scan pool is closed");
    for (const [worker, queued] of this.#busy) {
      worker.terminate();
      queued.reject(stopped);
    }
    for (const worker of this.#idle) worker.terminate();
    for (const queued of this.#queue) queued.reject(stopped);
    this.#busy.clear();
    this.#idle = [];
    this.#queue = [];
  }

  #next(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop() ?? this.#spawn();
      if (worker === null) return;
      const queued = this.#queue.shift()!;
      this.#busy.set(worker, queued);
      // The live flags are a copy made for this job: moved, not cloned.
      worker.postMessage(queued.job, [queued.job.live.buffer]);
    }
  }

  #spawn(): Worker | null {
    if (this.#busy.size + this.#idle.length >= this.size) return null;
    const worker = new Worker(new URL("./scan_worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<Reply>) => {
      const queued = this.#busy.get(worker)!;
      this.#busy.delete(worker);
      this.#idle.push(worker);
      if (event.data.error !== undefined) queued.reject(new Error(event.data.error));
      else queued.resolve(event.data.result);
      this.#next();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      const queued = this.#busy.get(worker);
      this.#busy.delete(worker);
      worker.terminate();
      queued?.reject(new Error(`scan worker failed: ${event.message}`));
      this.#next();
    };
    return worker;
  }
}
