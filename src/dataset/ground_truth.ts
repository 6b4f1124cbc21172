import type { Metric } from "./metric.ts";
import { LANES } from "./ground_truth_kernel.ts";
import { mergeTopK } from "./ground_truth_topk.ts";
import { candidateCount, refineTopK } from "./ground_truth_refine.ts";
import type { GroundTruthWorkerMessage, GroundTruthWorkerReply } from "./ground_truth_worker.ts";
import { BATCH_SLOTS, type ScanPlan, workerLayout } from "./ground_truth_layout.ts";

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
/** Query bytes per pass over the base (each worker holds them in its WASM memory). */
const QUERY_BYTES_PER_PASS = 1 << 30;

/**
 * Brute-force exact top-k over `base` for every query, on worker threads running a WebAssembly
 * SIMD kernel. Distances follow ann-benchmarks (cosine → 1 − cos with zero vectors at distance 1,
 * l2 → Euclidean, dot → −q·x), ascending, ties broken by lower id. The scan ranks in float32 (one
 * fixed summation order per distance, so the same on any worker) and keeps a margin of extra
 * candidates, whose distances are then recomputed in float64: reported distances are the float64
 * values rounded to float32, and results do not depend on the worker count.
 * The base is never copied whole: batches go straight into each worker's shared WASM memory.
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
  const plan: ScanPlan = { dim, k: candidateCount(k, n), metric, queries: q, batchRows, tileRows };
  return runInGroups(base, queries, plan, k, n, workerCount, options);
}

/**
 * Runs the scan once per group of queries small enough for a worker's 32-bit WASM memory (one
 * group unless the queries exceed QUERY_BYTES_PER_PASS), refines each group's candidates to the
 * final top-k, and concatenates the results.
 */
async function runInGroups(
  base: Float32Array,
  queries: Float32Array,
  plan: ScanPlan,
  k: number,
  n: number,
  workerCount: number,
  options: GroundTruthOptions,
): Promise<GroundTruth> {
  const { dim, metric } = plan;
  const q = plan.queries;
  const groupSize = Math.max(1, Math.floor(QUERY_BYTES_PER_PASS / (dim * 4)));
  const neighbors = new Int32Array(q * k);
  const distances = new Float32Array(q * k);
  for (let first = 0; first < q; first += groupSize) {
    const count = Math.min(groupSize, q - first);
    const onProgress = options.onProgress;
    const group = queries.subarray(first * dim, (first + count) * dim);
    const scanned = await runWorkers(base, group, { ...plan, queries: count }, n, workerCount, {
      onProgress: onProgress && ((done: number) => onProgress(first + done, q)),
    });
    const part = refineTopK(base, group, dim, metric, scanned.neighbors, plan.k, k);
    neighbors.set(part.neighbors, first * k);
    distances.set(part.distances, first * k);
  }
  return { k, neighbors, distances };
}

function runWorkers(
  base: Float32Array,
  queries: Float32Array,
  plan: ScanPlan,
  n: number,
  workerCount: number,
  options: GroundTruthOptions,
): Promise<GroundTruth> {
  const { dim, k, batchRows } = plan;
  const q = plan.queries;
  const layout = workerLayout(plan);
  return new Promise<GroundTruth>((resolve, reject) => {
    const workers: Worker[] = [];
    const heaps: Extract<GroundTruthWorkerReply, { type: "heaps" }>[] = [];
    let nextRow = 0;
    let rowsDone = 0;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      for (const w of workers) w.terminate();
      reject(error);
    };
    /** Copies the next batch into `slot` of a worker's memory and hands it over. */
    const send = (worker: Worker, memory: WebAssembly.Memory, slot: number) => {
      if (nextRow >= n) return;
      const rows = Math.min(batchRows, n - nextRow);
      new Float32Array(memory.buffer, layout.slots[slot], rows * dim)
        .set(base.subarray(nextRow * dim, (nextRow + rows) * dim));
      const msg: GroundTruthWorkerMessage = { type: "batch", slot, rows, firstId: nextRow };
      worker.postMessage(msg);
      nextRow += rows;
    };
    try {
      for (let w = 0; w < workerCount; w++) {
        const worker = new Worker(new URL("./ground_truth_worker.ts", import.meta.url), {
          type: "module",
        });
        workers.push(worker);
        const memory = new WebAssembly.Memory({
          initial: layout.pages,
          maximum: layout.pages,
          shared: true,
        });
        worker.onerror = (event) => {
          event.preventDefault();
          fail(new Error(`ground truth worker failed: ${event.message}`));
        };
        worker.onmessage = (event: MessageEvent<GroundTruthWorkerReply>) => {
          const reply = event.data;
          try {
            if (reply.type === "done") {
              rowsDone += reply.rows;
              options.onProgress?.(Math.floor((q * rowsDone) / n), q);
              if (nextRow < n) send(worker, memory, reply.slot);
              else if (rowsDone === n) {
                for (const each of workers) each.postMessage({ type: "finish" });
              }
              return;
            }
            heaps.push(reply);
            worker.terminate();
            if (heaps.length === workers.length && !failed) {
              resolve({ k, ...mergeTopK(heaps, q, k) });
            }
          } catch (error) {
            fail(error); // a throwing onProgress callback included
          }
        };
        const init: GroundTruthWorkerMessage = { type: "init", plan, memory, queries };
        worker.postMessage(init);
        for (let slot = 0; slot < BATCH_SLOTS; slot++) send(worker, memory, slot);
      }
    } catch (error) {
      fail(error); // e.g. the shared memory could not be allocated
    }
  });
}
