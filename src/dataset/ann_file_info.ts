import { parseMetric } from "./ann_metric.ts";
import { openHdf5ForReading } from "./hdf5_file.ts";
import { matrixShape } from "./hdf5_matrix.ts";
import type { Metric } from "./metric.ts";
import { UsageError } from "../usage/usage_error.ts";

/** What a scenario needs to know of a dataset file before the run reads its vectors. */
export interface AnnFileInfo {
  metric: Metric;
  size: number;
  dim: number;
  queries: number;
  /** Ground-truth depth (columns of `neighbors`). */
  k: number;
  /** The file's recorded content hash (`akibench_hash`), or null when it records none. */
  hash: string | null;
}

/**
 * Reads the shapes and attributes of an ann-benchmarks HDF5 file without its vectors. A scenario
 * runs on it only with its metric (`distance`) and ground truth (`neighbors`, `distances`);
 * otherwise one UsageError names the file and what is missing.
 */
export async function readAnnFileInfo(path: string): Promise<AnnFileInfo> {
  try {
    await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new UsageError(`${path}: no such file`);
    throw err;
  }
  const file = await openHdf5ForReading(path);
  try {
    const train = matrixShape(file, path, "train");
    const test = matrixShape(file, path, "test");
    if (!train || !test) throw new UsageError(`${path}: expected 'train' and 'test' datasets`);
    const neighbors = matrixShape(file, path, "neighbors");
    if (!neighbors || !matrixShape(file, path, "distances")) {
      throw new UsageError(
        `${path}: no ground truth ('neighbors' and 'distances'); make it with 'akibench dataset import'`,
      );
    }
    const distance = file.attrs["distance"]?.value;
    if (typeof distance !== "string") throw new UsageError(`${path}: missing attribute 'distance'`);
    const hash = file.attrs["akibench_hash"]?.value;
    return {
      metric: parseMetric(distance, `${path}: attribute distance`),
      size: train[0],
      dim: train[1],
      queries: test[0],
      k: neighbors[1],
      hash: typeof hash === "string" ? hash : null,
    };
  } finally {
    file.close();
  }
}
