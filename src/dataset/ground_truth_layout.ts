/**
 * Where everything lives in one ground-truth worker's shared WebAssembly memory. The main thread
 * copies base batches straight into the batch slots; the worker packs them tile by tile into
 * panels and scans them against its queries.
 */
import type { Metric } from "./metric.ts";
import { CANDIDATE_BYTES, LANES, QUERY_BLOCK } from "./ground_truth_kernel.ts";

/** What both sides agree on before a scan starts. */
export interface ScanPlan {
  dim: number;
  k: number;
  metric: Metric;
  /** Number of query vectors. */
  queries: number;
  /** Base rows per message from the main thread. */
  batchRows: number;
  /** Base rows per kernel tile (a multiple of LANES). */
  tileRows: number;
}

/** Batches in flight per worker: one being scanned while the next is copied in. */
export const BATCH_SLOTS = 2;
/** Candidate records the kernel may write per call. */
export const CANDIDATE_RECORDS = 1 << 17;

/** Byte offsets into a worker's memory; `pages` is its size in 64 KiB pages. */
export interface WorkerLayout {
  /** Queries in blocks of QUERY_BLOCK[metric], dimension-major within a block. */
  qt: number;
  /** 1/‖q‖ per query. */
  qaux: number;
  /** Current top-k threshold per query (NaN: accept all). */
  thr: number;
  /** Row-major base batches, each with room for LANES padding rows. */
  slots: number[];
  panels: number;
  /** 1/‖x‖ per row of the current tile. */
  xaux: number;
  cand: number;
  /** Queries rounded up to whole blocks. */
  paddedQueries: number;
  pages: number;
}

export function workerLayout(plan: ScanPlan): WorkerLayout {
  const { dim, batchRows, tileRows } = plan;
  const block = QUERY_BLOCK[plan.metric];
  const paddedQueries = Math.ceil(plan.queries / block) * block;
  let end = 0;
  const take = (bytes: number) => {
    const start = end;
    end = Math.ceil((end + bytes) / 64) * 64;
    return start;
  };
  const qt = take(paddedQueries * dim * 4);
  const qaux = take(paddedQueries * 4);
  const thr = take(paddedQueries * 4);
  const slots = Array.from({ length: BATCH_SLOTS }, () => take((batchRows + LANES) * dim * 4));
  const panels = take(tileRows * dim * 4);
  const xaux = take(tileRows * 4);
  const cand = take(CANDIDATE_RECORDS * CANDIDATE_BYTES);
  return { qt, qaux, thr, slots, panels, xaux, cand, paddedQueries, pages: Math.ceil(end / 65536) };
}
