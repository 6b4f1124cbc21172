import { basename, extname } from "node:path";
import { UsageError } from "../usage/usage_error.ts";
import { readFbin, readIbin } from "./bin.ts";
import { contentHash } from "./content_hash.ts";
import type { Dataset } from "./dataset.ts";
import { distance } from "./distance.ts";
import type { ProgressMessage } from "./generate.ts";
import { computeGroundTruth } from "./ground_truth.ts";
import { checkIds, readAnnFile } from "./hdf5.ts";
import type { Metric } from "./metric.ts";
import { readFvecs, readIvecs } from "./vecs.ts";

/** What `dataset import` reads: an ann-benchmarks HDF5 file, or base + query vector files. */
export interface ImportOptions {
  /** `.hdf5`/`.h5` (train + test, maybe ground truth) or `.fvecs`/`.fbin` base vectors. */
  source: string;
  /** Query vectors (`.fvecs`/`.fbin`), required for a `.fvecs`/`.fbin` source. */
  queries?: string;
  /** Ground-truth ids (`.ivecs`/`.ibin`), optional for a `.fvecs`/`.fbin` source. */
  neighbors?: string;
  /** Required unless the source records it (HDF5 `distance`); must agree when both say. */
  metric?: Metric;
  /** Ground-truth depth: default the file's ground-truth depth, else min(100, size). */
  k?: number;
  onProgress?: ProgressMessage;
}

interface Loaded {
  train: Float32Array;
  test: Float32Array;
  size: number;
  dim: number;
  queries: number;
  metric: Metric | null;
  neighbors: { ids: Int32Array; distances: Float32Array | null; k: number; path: string } | null;
}

function kind(path: string): string {
  return extname(path).toLowerCase();
}

async function readVectors(path: string) {
  const ext = kind(path);
  if (ext === ".fvecs") return await readFvecs(path);
  if (ext === ".fbin") return await readFbin(path);
  throw new UsageError(`${path}: unsupported vector file type '${ext}' (expected .fvecs, .fbin)`);
}

async function readNeighbors(path: string) {
  const ext = kind(path);
  if (ext === ".ivecs") return { ...(await readIvecs(path)), distances: null };
  if (ext === ".ibin") return await readIbin(path);
  throw new UsageError(
    `${path}: unsupported ground-truth file type '${ext}' (expected .ivecs, .ibin)`,
  );
}

async function load(options: ImportOptions): Promise<Loaded> {
  const { source } = options;
  if ([".hdf5", ".h5"].includes(kind(source))) {
    if (options.queries || options.neighbors) {
      throw new UsageError(`${source}: --queries/--neighbors apply only to .fvecs/.fbin sources`);
    }
    const ann = await readAnnFile(source);
    const neighbors = ann.neighbors
      ? { ids: ann.neighbors, distances: ann.distances, k: ann.k, path: source }
      : null;
    return { ...ann, neighbors };
  }
  if (!options.queries) throw new UsageError(`${source}: --queries FILE is required`);
  const base = await readVectors(source);
  const test = await readVectors(options.queries);
  if (test.dim !== base.dim) {
    throw new UsageError(
      `${options.queries}: dimension mismatch: queries have ${test.dim}, base ${source} has ${base.dim}`,
    );
  }
  let neighbors: Loaded["neighbors"] = null;
  if (options.neighbors) {
    const gt = await readNeighbors(options.neighbors);
    if (gt.rows !== test.rows) {
      throw new UsageError(
        `${options.neighbors}: ${gt.rows} ground-truth rows but ${test.rows} queries`,
      );
    }
    checkIds(gt.data, base.rows, options.neighbors);
    neighbors = { ids: gt.data, distances: gt.distances, k: gt.dim, path: options.neighbors };
  }
  return {
    train: base.data,
    test: test.data,
    size: base.rows,
    dim: base.dim,
    queries: test.rows,
    metric: null,
    neighbors,
  };
}

function firstColumns<T extends Int32Array | Float32Array>(
  m: T,
  rows: number,
  from: number,
  k: number,
) {
  if (from === k) return m;
  const out = new (m.constructor as { new (n: number): T })(rows * k);
  for (let r = 0; r < rows; r++) out.set(m.subarray(r * from, r * from + k), r * k);
  return out;
}

function distancesOf(
  ids: Int32Array,
  k: number,
  metric: Metric,
  test: Float32Array,
  train: Float32Array,
  dim: number,
): Float32Array {
  const out = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    out[i] = distance(metric, test, Math.floor(i / k), train, ids[i], dim);
  }
  return out;
}

/**
 * Reads any supported format into a Dataset, computing the exact ground truth when the input
 * has none (and the distances when only ids are given). Errors are UsageErrors naming the file.
 */
export async function importDataset(options: ImportOptions): Promise<Dataset> {
  const loaded = await load(options);
  const { source } = options;
  if (loaded.metric && options.metric && loaded.metric !== options.metric) {
    throw new UsageError(
      `${source}: file says metric ${loaded.metric}, --metric says ${options.metric}`,
    );
  }
  const metric = loaded.metric ?? options.metric;
  if (!metric) throw new UsageError(`${source}: metric unknown; pass --metric cosine|l2|dot`);
  const { size, dim, queries, train, test } = loaded;
  const k = options.k ?? loaded.neighbors?.k ?? Math.min(100, size);
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`k must be a positive integer, got ${k}`);
  if (k > size) throw new UsageError(`${source}: k=${k} exceeds the ${size} base vectors`);
  let neighbors: Int32Array;
  let distances: Float32Array;
  const given = loaded.neighbors;
  if (given) {
    if (k > given.k) {
      throw new UsageError(`${given.path}: k=${k} exceeds the ground-truth depth ${given.k}`);
    }
    neighbors = firstColumns(given.ids, queries, given.k, k);
    distances = given.distances
      ? firstColumns(given.distances, queries, given.k, k)
      : distancesOf(neighbors, k, metric, test, train, dim);
  } else {
    const truth = await computeGroundTruth(train, test, dim, k, metric, {
      onProgress: (done, total) =>
        options.onProgress?.(`ground truth ${Math.floor((100 * done) / total)}%`),
    });
    neighbors = truth.neighbors;
    distances = truth.distances;
  }
  const content = { metric, size, dim, queries, k, train, test, neighbors, distances };
  return { name: basename(source, extname(source)), ...content, hash: contentHash(content) };
}
