import type { GenerateParams } from "./dataset.ts";
import { Gaussian } from "./gaussian.ts";
import { STREAM, streamRandom, type Xoshiro128ss } from "./prng.ts";

/**
 * The vector generators. Every row belongs to a block of {@link BLOCK_ROWS} rows with its own
 * stream (seed, base|queries, block index), so output never depends on how work is split.
 *
 * - clustered (Gaussian mixture): C centres with coordinates N(0, 1) (stream "centres", block 0);
 *   each row draws its cluster uniformly, then x_j = centre_j + {@link CLUSTER_STD} · N(0, 1).
 * - uniform: x_j uniform in [−1, 1) with 32 random bits.
 *
 * Arithmetic is float64 (exactly specified by IEEE-754/ECMAScript), rounded once to float32 on
 * store. For cosine every row is then L2-normalised: norm = √(Σ x_j², j ascending, float64),
 * x_j ← float32(x_j / norm). Queries use the same recipe on their own streams, so they follow the
 * same distribution without being copies of base rows.
 */
export const BLOCK_ROWS = 1024;
/** Standard deviation of a cluster around its centre (centres have standard deviation 1). */
export const CLUSTER_STD = 0.5;

/** The cluster centres of a clustered dataset (`clusters × dim`, float64), or null for uniform. */
export function generateCentres(params: GenerateParams): Float64Array | null {
  if (params.distribution !== "clustered") return null;
  const gauss = new Gaussian(streamRandom(params.seed, STREAM.centres, 0));
  const centres = new Float64Array(params.clusters * params.dim);
  for (let i = 0; i < centres.length; i++) centres[i] = gauss.next();
  return centres;
}

/**
 * Fills `out` (rows × dim) with the rows of the base set or the query set, calling `onBlock`
 * with the number of rows done after each block.
 */
export function generateVectors(
  params: GenerateParams,
  centres: Float64Array | null,
  which: "base" | "queries",
  out: Float32Array,
  onBlock?: (rowsDone: number) => void,
): void {
  const { dim } = params;
  const rows = out.length / dim;
  const stream = which === "base" ? STREAM.base : STREAM.queries;
  for (let start = 0, block = 0; start < rows; start += BLOCK_ROWS, block++) {
    const end = Math.min(rows, start + BLOCK_ROWS);
    const random = streamRandom(params.seed, stream, block);
    if (centres) fillClustered(random, centres, params.clusters, dim, out, start, end);
    else fillUniform(random, dim, out, start, end);
    if (params.metric === "cosine") normaliseRows(out, dim, start, end);
    onBlock?.(end);
  }
}

function fillClustered(
  random: Xoshiro128ss,
  centres: Float64Array,
  clusters: number,
  dim: number,
  out: Float32Array,
  start: number,
  end: number,
): void {
  const gauss = new Gaussian(random);
  for (let row = start; row < end; row++) {
    const centre = random.nextBelow(clusters) * dim;
    const offset = row * dim;
    for (let j = 0; j < dim; j++) {
      out[offset + j] = centres[centre + j] + CLUSTER_STD * gauss.next();
    }
  }
}

function fillUniform(
  random: Xoshiro128ss,
  dim: number,
  out: Float32Array,
  start: number,
  end: number,
): void {
  for (let i = start * dim; i < end * dim; i++) out[i] = random.nextSigned();
}

function normaliseRows(out: Float32Array, dim: number, start: number, end: number): void {
  for (let row = start; row < end; row++) {
    const offset = row * dim;
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += out[offset + j] * out[offset + j];
    const norm = Math.sqrt(sum);
    if (norm === 0) continue;
    for (let j = 0; j < dim; j++) out[offset + j] = out[offset + j] / norm;
  }
}
