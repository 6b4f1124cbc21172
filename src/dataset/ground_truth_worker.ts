/**
 * Ground-truth worker: holds all queries and one top-k heap per query. The main thread copies
 * base batches (ids ascending) into this worker's shared WebAssembly memory; the worker scans each
 * with the SIMD kernel tile by tile and, on "finish", sends its heaps back.
 */
import { CANDIDATE_BYTES, kernelBytes, LANES, QUERY_BLOCK } from "./ground_truth_kernel.ts";
import {
  CANDIDATE_RECORDS,
  type ScanPlan,
  type WorkerLayout,
  workerLayout,
} from "./ground_truth_layout.ts";
import { TopKHeaps } from "./ground_truth_topk.ts";

export type GroundTruthWorkerMessage =
  | { type: "init"; plan: ScanPlan; memory: WebAssembly.Memory; queries: Float32Array }
  /** `rows` base rows starting at id `firstId` are in batch slot `slot`. */
  | { type: "batch"; slot: number; rows: number; firstId: number }
  | { type: "finish" };

export type GroundTruthWorkerReply =
  | { type: "done"; slot: number; rows: number }
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
type Pack = (raw: number, rows: number, dim: number, panels: number, xaux: number) => void;

/** One worker's state once initialised. */
class Scanner {
  readonly heaps: TopKHeaps;
  private readonly plan: ScanPlan;
  private readonly at: WorkerLayout;
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;
  private readonly pack: Pack;
  private readonly scan: Scan;
  private readonly block: number;

  constructor(plan: ScanPlan, memory: WebAssembly.Memory, queries: Float32Array) {
    this.plan = plan;
    this.at = workerLayout(plan);
    const module = new WebAssembly.Module(kernelBytes());
    const exports = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
    this.pack = exports.pack as Pack;
    this.scan = exports[`scan_${plan.metric}`] as Scan;
    this.heaps = new TopKHeaps(plan.queries, plan.k);
    this.block = QUERY_BLOCK[plan.metric];
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);

    const { dim } = plan;
    const { f32, block } = this;
    const qt = this.at.qt / 4;
    for (let i = 0; i < plan.queries; i++) {
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
    for (let i = 0; i < this.at.paddedQueries; i++) {
      f32[this.at.thr / 4 + i] = i < plan.queries ? NaN : -Infinity;
    }
  }

  /** Scans `rows` base rows in batch slot `slot`, the first with id `firstId`. */
  scanBatch(slot: number, rows: number, firstId: number): void {
    const { dim, tileRows } = this.plan;
    const raw = this.at.slots[slot];
    // zero rows after the batch so the last tile fills whole panels
    const end = raw / 4 + rows * dim;
    this.f32.fill(0, end, end + (Math.ceil(rows / LANES) * LANES - rows) * dim);
    for (let start = 0; start < rows; start += tileRows) {
      const count = Math.min(tileRows, rows - start);
      this.scanTile(raw + start * dim * 4, count, firstId + start);
    }
  }

  private scanTile(raw: number, rows: number, firstId: number): void {
    const { at, f32, i32, block } = this;
    const { dim, queries } = this.plan;
    const padded = Math.ceil(rows / LANES) * LANES;
    this.pack(raw, padded, dim, at.panels, at.xaux);
    const npanels = padded / LANES;
    const blocks = at.paddedQueries / block;
    const blocksPerCall = Math.max(1, Math.floor(CANDIDATE_RECORDS / (block * padded / 4)));
    const idEnd = firstId + rows;
    const thr = at.thr / 4;
    for (let qb0 = 0; qb0 < blocks; qb0 += blocksPerCall) {
      const qb1 = Math.min(blocks, qb0 + blocksPerCall);
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
      for (let r = at.cand / 4; r < end / 4; r += CANDIDATE_BYTES / 4) {
        const q = i32[r];
        if (q >= queries) continue;
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
    scanner = new Scanner(msg.plan, msg.memory, msg.queries);
  } else if (msg.type === "batch") {
    scanner!.scanBatch(msg.slot, msg.rows, msg.firstId);
    scope.postMessage({ type: "done", slot: msg.slot, rows: msg.rows });
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
