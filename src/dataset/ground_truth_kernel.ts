/**
 * Emits the WebAssembly SIMD module behind exact ground truth, byte by byte (no assembler needed
 * at build or run time).
 *
 * Layout: base rows are packed into panels of `LANES` rows stored dimension-major
 * (`panel[d][lane]`), queries into blocks of `QUERY_BLOCK[metric]` rows, also dimension-major.
 * The micro-kernel keeps `QUERY_BLOCK[metric] × LANES/4` f32x4 accumulators in registers; each
 * step loads the panel's lanes once and reuses them for every query of the block (splatted query
 * scalar), using relaxed-simd fused multiply-add. Every distance is therefore one sequential sum
 * over d in lane order, whatever the tiling, block position or worker — so results are
 * bit-identical across worker counts (on one machine: relaxed madd may be fused or not per CPU).
 *
 * Exports (shared memory imported as env.mem, up to 4 GiB):
 * - pack(raw, rows, dim, panels, xaux): rows (a multiple of LANES, zero-padded by the caller) of
 *   row-major vectors → panels; xaux[r] = 1/‖x_r‖ (0 for a zero vector).
 * - scan_dot / scan_cosine / scan_l2(qt, qaux, thr, qb0, qb1, panels, npanels, xaux, dim, cand,
 *   idBase) → end of the candidate records written. For each query block in [qb0, qb1) and every
 *   panel it computes distances and, for each group of 4 lanes where some distance is not ≥ the
 *   query's threshold thr[q], writes a 32-byte record {q: i32, id: i32, _, _, dist: f32x4}.
 *   qaux[q] is 1/‖q‖ for cosine; NaN thresholds accept everything.
 */

import type { Metric } from "./metric.ts";

/**
 * Queries per block, per metric: 6 × 2 accumulators fit the 16 SIMD registers; l2 needs one more
 * temporary, so it uses 5 (measured: 6 spills and runs at half speed).
 */
export const QUERY_BLOCK: Readonly<Record<Metric, number>> = { dot: 6, cosine: 6, l2: 5 };
export const LANES = 8;
export const CANDIDATE_BYTES = 32;

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Instruction helpers (each returns the encoded bytes). */
const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  f32: (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)],
  add: [0x6a],
  mul: [0x6c],
  ne: [0x47],
  ltU: [0x49],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  i32Store: (offset = 0) => [0x36, 2, ...uleb(offset)],
  f32Add: [0x92],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32Sqrt: [0x91],
  f32Gt: [0x5e],
  select: [0x1b],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  simd: (code: number, ...imm: number[]) => [0xfd, ...uleb(code), ...imm],
};
const v = {
  load: (offset = 0) => op.simd(0x00, 4, ...uleb(offset)),
  splat32: (offset = 0) => op.simd(0x09, 2, ...uleb(offset)),
  store: (offset = 0) => op.simd(0x0b, 4, ...uleb(offset)),
  zero: op.simd(0x0c, ...new Array(16).fill(0)),
  splatF32: op.simd(0x13),
  ge: op.simd(0x46),
  allTrue: op.simd(0xa3),
  neg: op.simd(0xe1),
  sqrt: op.simd(0xe3),
  sub: op.simd(0xe5),
  mul: op.simd(0xe6),
  madd: op.simd(0x105),
};

type Body = { locals: [number, number][]; code: number[][] };

function encodeFunction(body: Body): number[] {
  const bytes = [
    ...vec(body.locals.map(([count, type]) => [...uleb(count), type])),
    ...body.code.flat(),
    ...op.end,
  ];
  return [...uleb(bytes.length), ...bytes];
}

/** pack(raw, rows, dim, panels, xaux). */
function packFunction(): Body {
  const [raw, rows, dim, panels, xaux] = [0, 1, 2, 3, 4];
  const [r, d, src, dst, x, s] = [5, 6, 7, 8, 9, 10];
  const code: number[][] = [
    op.i32(0),
    op.set(r),
    op.block,
    op.loop,
    op.get(r),
    op.get(rows),
    op.ltU,
    [0x45],
    op.brIf(1), // i32.eqz → exit when r >= rows
    // dst = panels + (r / LANES) * LANES*dim*4 + (r % LANES) * 4
    op.get(panels),
    op.get(r),
    op.i32(LANES),
    [0x6e],
    op.get(dim),
    op.mul,
    op.i32(LANES * 4),
    op.mul,
    op.add,
    op.get(r),
    op.i32(LANES),
    [0x70],
    op.i32(4),
    op.mul,
    op.add,
    op.set(dst),
    op.get(raw),
    op.get(r),
    op.get(dim),
    op.mul,
    op.i32(4),
    op.mul,
    op.add,
    op.set(src),
    op.f32(0),
    op.set(s),
    op.i32(0),
    op.set(d),
    op.block,
    op.loop,
    op.get(d),
    op.get(dim),
    op.ltU,
    [0x45],
    op.brIf(1),
    op.get(src),
    op.f32Load(),
    op.set(x),
    op.get(dst),
    op.get(x),
    op.f32Store(),
    op.get(s),
    op.get(x),
    op.get(x),
    op.f32Mul,
    op.f32Add,
    op.set(s),
    op.get(src),
    op.i32(4),
    op.add,
    op.set(src),
    op.get(dst),
    op.i32(LANES * 4),
    op.add,
    op.set(dst),
    op.get(d),
    op.i32(1),
    op.add,
    op.set(d),
    [0x0c, 0],
    op.end,
    op.end,
    // xaux[r] = s > 0 ? 1/sqrt(s) : 0
    op.get(xaux),
    op.get(r),
    op.i32(4),
    op.mul,
    op.add,
    op.f32(1),
    op.get(s),
    op.f32Sqrt,
    op.f32Div,
    op.f32(0),
    op.get(s),
    op.f32(0),
    op.f32Gt,
    op.select,
    op.f32Store(),
    op.get(r),
    op.i32(1),
    op.add,
    op.set(r),
    [0x0c, 0],
    op.end,
    op.end,
  ];
  return { locals: [[4, I32], [2, F32]], code };
}

/** scan_<metric>(qt, qaux, thr, qb0, qb1, panels, npanels, xaux, dim, cand, idBase) → cand end. */
function scanFunction(metric: Metric): Body {
  const M = QUERY_BLOCK[metric];
  const N = LANES / 4;
  const [qt, qaux, thr, qb0, qb1, panels, npanels, xaux, dim, cand, idBase] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
  ];
  let next = 11;
  const [qb, p, pp, ppEnd, pairsEnd, qp, qblk, q, panelBytes, blockBytes] = Array.from(
    { length: 10 },
    () => next++,
  );
  const i32Count = next - 11;
  const acc = Array.from({ length: M * N }, () => next++);
  const pv = Array.from({ length: N }, () => next++);
  const [s, dv, t] = [next++, next++, next++];
  const v128Count = next - 11 - i32Count;

  /** One step over d: `unit` selects the step within the unrolled pair (static offsets). */
  const step = (unit: number): number[][] => {
    const out: number[][] = [];
    for (let n = 0; n < N; n++) out.push(op.get(pp), v.load(16 * (N * unit + n)), op.set(pv[n]));
    for (let m = 0; m < M; m++) {
      out.push(op.get(qp), v.splat32(4 * (M * unit + m)), op.set(s));
      for (let n = 0; n < N; n++) {
        const a = acc[m * N + n];
        if (metric === "l2") {
          out.push(op.get(pv[n]), op.get(s), v.sub, op.tee(t), op.get(t), op.get(a), v.madd);
        } else {
          out.push(op.get(pv[n]), op.get(s), op.get(a), v.madd);
        }
        out.push(op.set(a));
      }
    }
    return out;
  };
  // pairs of steps while two remain, then one more step when dim is odd
  const kernel: number[][] = [];
  for (const a of acc) kernel.push(v.zero, op.set(a));
  kernel.push(
    op.get(pp),
    op.get(dim),
    op.i32(1),
    [0x76], // i32.shr_u
    op.i32(32 * N),
    op.mul,
    op.add,
    op.set(pairsEnd),
    op.block,
    op.get(pp),
    op.get(pairsEnd),
    [0x46], // i32.eq
    op.brIf(0),
    op.loop,
    ...step(0),
    ...step(1),
    op.get(qp),
    op.i32(8 * M),
    op.add,
    op.set(qp),
    op.get(pp),
    op.i32(32 * N),
    op.add,
    op.tee(pp),
    op.get(pairsEnd),
    op.ne,
    op.brIf(0),
    op.end,
    op.end,
    op.get(pp),
    op.get(ppEnd),
    op.ne,
    op.if,
    ...step(0),
    op.end,
  );

  const epilogue: number[][] = [];
  for (let m = 0; m < M; m++) {
    epilogue.push(op.get(qb), op.i32(M), op.mul, op.i32(m), op.add, op.set(q));
    for (let n = 0; n < N; n++) {
      const a = acc[m * N + n];
      if (metric === "dot") epilogue.push(op.get(a), v.neg, op.set(dv));
      else if (metric === "l2") epilogue.push(op.get(a), v.sqrt, op.set(dv));
      else {
        // 1 − (dot · 1/‖q‖) · 1/‖x‖
        epilogue.push(
          op.f32(1),
          v.splatF32,
          op.get(a),
          op.get(qaux),
          op.get(q),
          op.i32(4),
          op.mul,
          op.add,
          v.splat32(),
          v.mul,
          op.get(xaux),
          op.get(p),
          op.i32(LANES * 4),
          op.mul,
          op.add,
          v.load(16 * n),
          v.mul,
          v.sub,
          op.set(dv),
        );
      }
      epilogue.push(
        op.get(dv),
        op.get(thr),
        op.get(q),
        op.i32(4),
        op.mul,
        op.add,
        v.splat32(),
        v.ge,
        v.allTrue,
        [0x45],
        op.if,
        op.get(cand),
        op.get(q),
        op.i32Store(0),
        op.get(cand),
        op.get(idBase),
        op.get(p),
        op.i32(LANES),
        op.mul,
        op.add,
        op.i32(4 * n),
        op.add,
        op.i32Store(4),
        op.get(cand),
        op.get(dv),
        v.store(16),
        op.get(cand),
        op.i32(CANDIDATE_BYTES),
        op.add,
        op.set(cand),
        op.end,
      );
    }
  }

  const code: number[][] = [
    op.get(dim),
    op.i32(LANES * 4),
    op.mul,
    op.set(panelBytes),
    op.get(dim),
    op.i32(M * 4),
    op.mul,
    op.set(blockBytes),
    op.get(qb0),
    op.set(qb),
    op.block,
    op.loop,
    op.get(qb),
    op.get(qb1),
    op.ltU,
    [0x45],
    op.brIf(1),
    op.get(qt),
    op.get(qb),
    op.get(blockBytes),
    op.mul,
    op.add,
    op.set(qblk),
    op.i32(0),
    op.set(p),
    op.block,
    op.loop,
    op.get(p),
    op.get(npanels),
    op.ltU,
    [0x45],
    op.brIf(1),
    op.get(panels),
    op.get(p),
    op.get(panelBytes),
    op.mul,
    op.add,
    op.tee(pp),
    op.get(panelBytes),
    op.add,
    op.set(ppEnd),
    op.get(qblk),
    op.set(qp),
    ...kernel,
    ...epilogue,
    op.get(p),
    op.i32(1),
    op.add,
    op.set(p),
    [0x0c, 0],
    op.end,
    op.end,
    op.get(qb),
    op.i32(1),
    op.add,
    op.set(qb),
    [0x0c, 0],
    op.end,
    op.end,
    op.get(cand),
  ];
  return { locals: [[i32Count, I32], [v128Count, V128]], code };
}

/** The kernel module's bytes. */
export function kernelBytes(): Uint8Array<ArrayBuffer> {
  const packType = [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0];
  const scanType = [0x60, ...vec(new Array(11).fill([I32])), 1, I32];
  const name = (s: string) => vec([...new TextEncoder().encode(s)].map((b) => [b]));
  const exports = ["pack", "scan_dot", "scan_cosine", "scan_l2"];
  const bodies = [
    packFunction(),
    scanFunction("dot"),
    scanFunction("cosine"),
    scanFunction("l2"),
  ];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([packType, scanType])),
    ...section(2, vec([[...name("env"), ...name("mem"), 0x02, 0x03, 0x01, ...uleb(65536)]])),
    ...section(3, vec([[0], [1], [1], [1]])),
    ...section(7, vec(exports.map((e, i) => [...name(e), 0x00, i]))),
    ...section(10, vec(bodies.map(encodeFunction))),
  ];
  return new Uint8Array(bytes);
}
