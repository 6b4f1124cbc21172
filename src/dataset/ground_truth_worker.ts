/**
 * Ground-truth worker: holds all queries and one top-k heap per query; receives base rows in
 * batches (ids ascending), scans them with the WASM SIMD kernel tile by tile, and on "finish"
 * sends its heaps back. Messages: see GroundTruthWorkerMessage.
 */
import type { Metric } from "./metric.ts";
import { CANDIDATE_BYTES, kernelBytes, LANES, QUERY_BLOCK } from "./ground_truth_kernel.ts";
import { TopKHeaps } from "./ground_truth_topk.ts";

export type GroundTruthWorkerMessage =
  | {
    type: "init";
    queries: Float32Array;
    dim: number;
    k: number;
    metric: Metric;
    /** Base rows per kernel tile (a multiple of LANES). */
    tileRows: number;
  }
  | { type: "batch"; rows: Float32Array; firstId: number }
  | { type: "finish" };

export type GroundTruthWorkerReply =
  | { type: "done"; rows: number }
  | { type: "heaps"; distances: Float32Array; ids: Int32Array; sizes: Int32Array };

type Scan = (
  qt: number,
  qaux: number,
  thr: number,
  qb0: number,
  qb1: number,
  panels: number,
  npanels: number,
  xaux: number,
  dim: number,
  cand: number,
  idBase: number,
) => number;

const CANDIDATE_REGION = 4 << 20;

/** One worker's state once initialised. */
class Scanner {
  readonly heaps: TopKHeaps;
  private readonly memory: WebAssembly.Memory;
  private readonly pack: (
    raw: number,
    rows: number,
    dim: number,
    panels: number,
    x: number,
  ) => void;
  private readonly scan: Scan;
  private readonly queryCount: number;
  private readonly blocks: number;
  private readonly block: number;
  private readonly dim: number;
  private readonly tileRows: number;
  private readonly at: {
    qt: number;
    qaux: number;
    thr: number;
    raw: number;
    panels: number;
    xaux: number;
    cand: number;
  };

  constructor(init: Extract<GroundTruthWorkerMessage, { type: "init" }>) {
    const { queries, dim, k, metric, tileRows } = init;
    const q = queries.length / dim;
    const block = QUERY_BLOCK[metric];
    const blocks = Math.ceil(q / block);
    const qp = blocks * block;
    const align = (x: number) => Math.ceil(x / 64) * 64;
    let end = 0;
    const take = (bytes: number) => {
      const start = end;
      end = align(end + bytes);
      return start;
    };
    this.at = {
      qt: take(qp * dim * 4),
      qaux: take(qp * 4),
      thr: take(qp * 4),
      raw: take(tileRows * dim * 4),
      panels: take(tileRows * dim * 4),
      xaux: take(tileRows * 4),
      cand: take(CANDIDATE_REGION),
    };
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65536) });
    const module = new WebAssembly.Module(kernelBytes());
    const exports = new WebAssembly.Instance(module, { env: { mem: this.memory } }).exports;
    this.pack = exports.pack as Scanner["pack"];
    this.scan = exports[`scan_${metric}`] as Scan;
    this.heaps = new TopKHeaps(q, k);
    this.queryCount = q;
    this.blocks = blocks;
    this.block = block;
    this.dim = dim;
    this.tileRows = tileRows;

    const f32 = new Float32Array(this.memory.buffer);
    const qt = this.at.qt / 4;
    for (let i = 0; i < q; i++) {
      const b = Math.floor(i / block);
      const m = i % block;
      let sum = 0;
      for (let d = 0; d < dim; d++) {
        const x = queries[i * dim + d];
        f32[qt + (b * dim + d) * block + m] = x;
        sum += x * x;
      }
      f32[this.at.qaux / 4 + i] = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    }
    for (let i = 0; i < qp; i++) f32[this.at.thr / 4 + i] = i < q ? NaN : -Infinity;
  }

  /** Scans base rows `rows` (row-major) whose first id is `firstId`. */
  scanBatch(rows: Float32Array, firstId: number): number {
    const dim = this.dim;
    const count = rows.length / dim;
    for (let start = 0; start < count; start += this.tileRows) {
      const tile = rows.subarray(start * dim, Math.min(count, start + this.tileRows) * dim);
      this.scanTile(tile, firstId + start);
    }
    return count;
  }

  private scanTile(tile: Float32Array, firstId: number): void {
    const { dim, at } = this;
    const rows = tile.length / dim;
    const padded = Math.ceil(rows / LANES) * LANES;
    const f32 = new Float32Array(this.memory.buffer);
    f32.set(tile, at.raw / 4);
    f32.fill(0, at.raw / 4 + rows * dim, at.raw / 4 + padded * dim);
    this.pack(at.raw, padded, dim, at.panels, at.xaux);
    const npanels = padded / LANES;
    const perBlock = this.block * padded / 4;
    const blocksPerCall = Math.max(1, Math.floor(CANDIDATE_REGION / CANDIDATE_BYTES / perBlock));
    const i32 = new Int32Array(this.memory.buffer);
    const idEnd = firstId + rows;
    for (let qb0 = 0; qb0 < this.blocks; qb0 += blocksPerCall) {
      const qb1 = Math.min(this.blocks, qb0 + blocksPerCall);
      const end = this.scan(
        at.qt,
        at.qaux,
        at.thr,
        qb0,
        qb1,
        at.panels,
        npanels,
        at.xaux,
        dim,
        at.cand,
        firstId,
      );
      // ids arrive ascending per query, so a distance equal to the threshold never wins
      const thr = at.thr / 4;
      for (let r = at.cand / 4; r < end / 4; r += CANDIDATE_BYTES / 4) {
        const q = i32[r];
        if (q >= this.queryCount) continue;
        const id0 = i32[r + 1];
        for (let lane = 0; lane < 4 && id0 + lane < idEnd; lane++) {
          const dist = f32[r + 4 + lane];
          if (!(dist >= f32[thr + q]) && this.heaps.offer(q, dist, id0 + lane)) {
            f32[thr + q] = this.heaps.threshold(q);
          }
        }
      }
    }
  }
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<GroundTruthWorkerMessage>) => void) | null;
  postMessage(message: GroundTruthWorkerReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
let scanner: Scanner | undefined;
scope.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "init") {
    scanner = new Scanner(msg);
  } else if (msg.type === "batch") {
    const rows = scanner!.scanBatch(msg.rows, msg.firstId);
    scope.postMessage({ type: "done", rows });
  } else {
    const { distances, ids, sizes } = scanner!.heaps;
    scope.postMessage({ type: "heaps", distances, ids, sizes }, [
      distances.buffer,
      ids.buffer,
      sizes.buffer,
    ]);
    scanner = undefined;
  }
};
