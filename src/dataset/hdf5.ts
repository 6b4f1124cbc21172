import { basename, extname } from "node:path";
import { UsageError } from "../usage/usage_error.ts";
import { annDistanceName, parseMetric } from "./ann_metric.ts";
import { contentHash } from "./content_hash.ts";
import type { Dataset, GenerateParams } from "./dataset.ts";
import { createHdf5, type H5File, openHdf5ForReading } from "./hdf5_file.ts";
import { matrixShape, readMatrix, writeMatrix } from "./hdf5_matrix.ts";
import type { Metric } from "./metric.ts";
import { writeAtomically } from "../io/atomic_write.ts";

/**
 * The ann-benchmarks HDF5 layout: datasets `train` (base, n × d float32), `test` (queries),
 * `neighbors` (q × k, 0-based ids) and `distances` (q × k); root attributes `distance`
 * (angular | euclidean | dot) and `dimension`. We also write `type` = "dense", `point_type` =
 * "float", and our own `akibench_format`, `akibench_hash` (content hash), `akibench_name` and,
 * for generated data, `akibench_params` (JSON of the GenerateParams).
 */
export const FORMAT_VERSION = 1;

/** The contents of an ann-benchmarks style file; ground truth and metric may be absent. */
export interface AnnFile {
  metric: Metric | null;
  size: number;
  dim: number;
  queries: number;
  train: Float32Array;
  test: Float32Array;
  /** Ground-truth ids (queries × k), or null when the file has none. */
  neighbors: Int32Array | null;
  /** Ground-truth distances (queries × k), or null when the file has none. */
  distances: Float32Array | null;
  k: number;
  /** `akibench_hash`, `akibench_name` and `akibench_params` attributes when present. */
  storedHash: string | null;
  storedName: string | null;
  storedParams: string | null;
}

function stringAttribute(file: H5File, name: string): string | null {
  const value = file.attrs[name]?.value;
  return typeof value === "string" ? value : null;
}

/** Reads an ann-benchmarks HDF5 file, checking shapes; throws UsageError naming the problem. */
export async function readAnnFile(path: string): Promise<AnnFile> {
  const file = await openHdf5ForReading(path);
  try {
    const train = readMatrix(file, path, "train", (n) => new Float32Array(n));
    const test = readMatrix(file, path, "test", (n) => new Float32Array(n));
    if (train.rows === 0) throw new UsageError(`${path}: 'train' has no vectors (size 0)`);
    if (test.rows === 0) throw new UsageError(`${path}: 'test' has no vectors`);
    if (train.cols !== test.cols) {
      throw new UsageError(
        `${path}: dimension mismatch: train has ${train.cols}, test has ${test.cols}`,
      );
    }
    const dimension = file.attrs["dimension"]?.value;
    if (dimension !== undefined && Number(dimension) !== train.cols) {
      throw new UsageError(
        `${path}: attribute dimension=${dimension} but vectors have ${train.cols}`,
      );
    }
    const distanceName = stringAttribute(file, "distance");
    const neighbors = matrixShape(file, path, "neighbors")
      ? readMatrix(file, path, "neighbors", (n) => new Int32Array(n))
      : null;
    const distances = matrixShape(file, path, "distances")
      ? readMatrix(file, path, "distances", (n) => new Float32Array(n))
      : null;
    if (neighbors && neighbors.rows !== test.rows) {
      throw new UsageError(
        `${path}: 'neighbors' has ${neighbors.rows} rows but 'test' has ${test.rows}`,
      );
    }
    if (
      distances && (!neighbors || distances.rows !== neighbors.rows ||
        distances.cols !== neighbors.cols)
    ) {
      throw new UsageError(`${path}: 'distances' shape does not match 'neighbors'`);
    }
    if (neighbors) checkIds(neighbors.data, train.rows, `${path}: 'neighbors'`);
    return {
      metric: distanceName === null
        ? null
        : parseMetric(distanceName, `${path}: attribute distance`),
      size: train.rows,
      dim: train.cols,
      queries: test.rows,
      train: train.data,
      test: test.data,
      neighbors: neighbors?.data ?? null,
      distances: distances?.data ?? null,
      k: neighbors?.cols ?? 0,
      storedHash: stringAttribute(file, "akibench_hash"),
      storedName: stringAttribute(file, "akibench_name"),
      storedParams: stringAttribute(file, "akibench_params"),
    };
  } finally {
    file.close();
  }
}

/** Throws a UsageError when an id is outside [0, size). */
export function checkIds(ids: Int32Array, size: number, where: string): void {
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= size) {
      throw new UsageError(`${where}: id ${ids[i]} at position ${i} is outside 0..${size - 1}`);
    }
  }
}

/**
 * Reads a complete dataset (vectors, ground truth with distances, metric) from an HDF5 file and
 * verifies its content hash when the file records one. Throws UsageError naming the file when
 * anything is missing, inconsistent or corrupt.
 */
export async function readDataset(path: string): Promise<Dataset> {
  return (await readRecordedDataset(path)).dataset;
}

/**
 * {@link readDataset}, also returning what the file records about itself: whether it carries a
 * content hash (verified when present) and the JSON of its GenerateParams (generated data only).
 */
export async function readRecordedDataset(
  path: string,
): Promise<{ dataset: Dataset; hashRecorded: boolean; params: string | null }> {
  const ann = await readAnnFile(path);
  if (ann.metric === null) throw new UsageError(`${path}: missing attribute 'distance'`);
  if (!ann.neighbors || !ann.distances || ann.k === 0) {
    throw new UsageError(
      `${path}: no ground truth ('neighbors' and 'distances'); use 'akibench dataset import'`,
    );
  }
  const content = {
    metric: ann.metric,
    size: ann.size,
    dim: ann.dim,
    queries: ann.queries,
    k: ann.k,
    train: ann.train,
    test: ann.test,
    neighbors: ann.neighbors,
    distances: ann.distances,
  };
  const hash = contentHash(content);
  if (ann.storedHash !== null && ann.storedHash !== hash) {
    throw new UsageError(
      `${path}: content hash mismatch (file corrupt or modified): recorded ` +
        `${ann.storedHash.slice(0, 12)}…, actual ${hash.slice(0, 12)}…`,
    );
  }
  const name = ann.storedName ?? basename(path, extname(path));
  return {
    dataset: { name, ...content, hash },
    hashRecorded: ann.storedHash !== null,
    params: ann.storedParams,
  };
}

/**
 * Writes `dataset` in the ann-benchmarks layout to `path` via a temporary file and a rename,
 * so `path` is either absent or complete. `params` is recorded for generated datasets.
 */
export async function writeDataset(
  path: string,
  dataset: Dataset,
  params?: GenerateParams,
): Promise<void> {
  await writeAtomically(path, async (tmp) => {
    const file = await createHdf5(tmp);
    try {
      file.create_attribute("distance", annDistanceName(dataset.metric));
      file.create_attribute("dimension", dataset.dim);
      file.create_attribute("type", "dense");
      file.create_attribute("point_type", "float");
      file.create_attribute("akibench_format", FORMAT_VERSION);
      file.create_attribute("akibench_hash", dataset.hash);
      file.create_attribute("akibench_name", dataset.name);
      if (params) file.create_attribute("akibench_params", JSON.stringify(params));
      writeMatrix(file, "train", dataset.train, dataset.size, dataset.dim);
      writeMatrix(file, "test", dataset.test, dataset.queries, dataset.dim);
      writeMatrix(file, "neighbors", dataset.neighbors, dataset.queries, dataset.k);
      writeMatrix(file, "distances", dataset.distances, dataset.queries, dataset.k);
    } finally {
      file.close();
    }
  });
}
