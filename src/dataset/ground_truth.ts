import type { Metric } from "./metric.ts";
import { LANES } from "./ground_truth_kernel.ts";
import { mergeTopK } from "./ground_truth_topk.ts";
import type { GroundTruthWorkerMessage, GroundTruthWorkerReply } from "./ground_truth_worker.ts";

/** Exact top-k neighbours of each query: `queries × k` row-major ids and distances. */
export interface GroundTruth {
  k: number;
  neighbors: Int32Array;
  distances: Float32Array;
}

export interface GroundTruthOptions {
  /** Worker threads (default: navigator.hardwareConcurrency). */
  workers?: number;
  /** Called as the scan advances, with the query count the scanned fraction of base amounts to. */
  onProgress?: (doneQueries: number, totalQueries: number) => void;
}

/** Base bytes sent to a worker per message. */
const BATCH_BYTES = 8 << 20;
const BATCHES_PER_WORKER = 4;
/** Base bytes per kernel tile (kept in L2 while every query block passes over it). */
const TILE_BYTES = 128 << 10;

/**
 * Brute-force exact top-k over `base` for every query, on worker threads running a WebAssembly
 * SIMD kernel. Distances follow ann-benchmarks (cosine → 1 − cos with zero vectors at distance 1,
 * l2 → Euclidean, dot → −q·x), ascending, ties broken by lower id. Each distance is computed in
 * float32 with one fixed summation order, so results do not depend on the worker count.
 * A base backed by a SharedArrayBuffer is read in place; otherwise it is copied batch by batch.
 * Throws RangeError when `k` exceeds the number of base rows or a length is not a multiple of
 * `dim`.
 */
export function computeGroundTruth(
  base: Float32Array,
  queries: Float32Array,
  dim: number,
  k: number,
  metric: Metric,
  options: GroundTruthOptions = {},
): Promise<GroundTruth> {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be ≥ 1, got ${dim}`);
  if (base.length % dim !== 0) {
    throw new RangeError(`base length ${base.length} is not a multiple of dim ${dim}`);
  }
  if (queries.length % dim !== 0) {
    throw new RangeError(`queries length ${queries.length} is not a multiple of dim ${dim}`);
  }
  const n = base.length / dim;
  const q = queries.length / dim;
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`k = ${k} must be an integer from 0 to the ${n} base vectors`);
  }
  if (k === 0 || q === 0) {
    options.onProgress?.(q, q);
    return Promise.resolve({
      k,
      neighbors: new Int32Array(q * k),
      distances: new Float32Array(q * k),
    });
  }
  const wanted = options.workers ?? navigator.hardwareConcurrency ?? 2;
  if (!Number.isInteger(wanted) || wanted < 1) {
    throw new RangeError(`workers must be a positive integer, got ${wanted}`);
  }
  // at least BATCHES_PER_WORKER batches per worker so the last ones finish together
  const batchRows = Math.max(
    1,
    Math.min(Math.floor(BATCH_BYTES / (dim * 4)), Math.ceil(n / (wanted * BATCHES_PER_WORKER))),
  );
  const workerCount = Math.min(wanted, Math.ceil(n / batchRows));
  const tileRows = Math.max(LANES, Math.floor(TILE_BYTES / (dim * 4 * LANES)) * LANES);
  return runWorkers(
    base,
    queries,
    { dim, k, metric, n, q, batchRows, tileRows, workerCount },
    options,
  );
}

interface Plan {
  dim: number;
  k: number;
  metric: Metric;
  n: number;
  q: number;
  batchRows: number;
  tileRows: number;
  workerCount: number;
}

function runWorkers(
  base: Float32Array,
  queries: Float32Array,
  plan: Plan,
  options: GroundTruthOptions,
): Promise<GroundTruth> {
  const { dim, k, n, q, batchRows } = plan;
  const shared = base.buffer instanceof SharedArrayBuffer;
  return new Promise<GroundTruth>((resolve, reject) => {
    const workers: Worker[] = [];
    const heaps: GroundTruthWorkerReply[] = [];
    let nextRow = 0;
    let rowsDone = 0;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      for (const w of workers) w.terminate();
      reject(error);
    };
    const send = (worker: Worker) => {
      if (nextRow >= n) return;
      const end = Math.min(n, nextRow + batchRows);
      const view = base.subarray(nextRow * dim, end * dim);
      const msg: GroundTruthWorkerMessage = {
        type: "batch",
        rows: shared ? view : view.slice(),
        firstId: nextRow,
      };
      worker.postMessage(msg, shared ? [] : [msg.rows.buffer as ArrayBuffer]);
      nextRow = end;
    };
    for (let w = 0; w < plan.workerCount; w++) {
      const worker = new Worker(new URL("./ground_truth_worker.ts", import.meta.url), {
        type: "module",
      });
      workers.push(worker);
      worker.onerror = (event) => {
        event.preventDefault();
        fail(new Error(`ground truth worker failed: ${event.message}`));
      };
      worker.onmessage = (event: MessageEvent<GroundTruthWorkerReply>) => {
        const reply = event.data;
        if (reply.type === "done") {
          rowsDone += reply.rows;
          options.onProgress?.(Math.floor((q * rowsDone) / n), q);
          if (nextRow < n) send(worker);
          else if (rowsDone === n) {
            for (const each of workers) each.postMessage({ type: "finish" });
          }
          return;
        }
        heaps.push(reply);
        worker.terminate();
        if (heaps.length < workers.length || failed) return;
        try {
          const parts = heaps.map((h) => h as Extract<GroundTruthWorkerReply, { type: "heaps" }>);
          resolve({ k, ...mergeTopK(parts, q, k) });
        } catch (error) {
          fail(error);
        }
      };
      const init: GroundTruthWorkerMessage = {
        type: "init",
        queries,
        dim,
        k,
        metric: plan.metric,
        tileRows: plan.tileRows,
      };
      worker.postMessage(init);
    }
    // two batches in flight per worker so none waits for the next one
    for (let round = 0; round < 2; round++) for (const worker of workers) send(worker);
  });
}
