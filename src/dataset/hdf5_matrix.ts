import h5wasm from "h5wasm/node";
import { UsageError } from "../usage/usage_error.ts";
import { type H5File, hdf5Reason } from "./hdf5_file.ts";

/**
 * 2-D numeric datasets moved in row slices of about {@link SLICE_BYTES}, so a large matrix never
 * needs a second full copy in the WASM heap (which is capped at 2 GiB).
 */
const SLICE_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

function rowsPer(bytes: number, cols: number, rows: number): number {
  return Math.max(1, Math.min(rows, Math.floor(bytes / (cols * 4))));
}

/** Writes `data` (rows × cols, float32 or int32) as a chunked dataset `name`, slice by slice. */
export function writeMatrix(
  file: H5File,
  name: string,
  data: Float32Array | Int32Array,
  rows: number,
  cols: number,
  sliceBytes = SLICE_BYTES,
): void {
  const step = rowsPer(sliceBytes, cols, rows);
  const first = Math.min(rows, step);
  const dataset = file.create_dataset({
    name,
    data: data.subarray(0, first * cols),
    shape: [first, cols],
    maxshape: [null, cols],
    chunks: [rowsPer(CHUNK_BYTES, cols, rows), cols],
  });
  for (let start = first; start < rows; start += step) {
    const end = Math.min(rows, start + step);
    dataset.resize([end, cols]);
    dataset.write_slice([[start, end], []], data.subarray(start * cols, end * cols));
  }
}

/** Shape and element kind of a 2-D dataset in an open file, or null when it does not exist. */
export function matrixShape(file: H5File, path: string, name: string): [number, number] | null {
  const entity = file.get(name);
  if (entity === null) return null;
  if (!(entity instanceof h5wasm.Dataset)) {
    throw new UsageError(`${path}: '${name}' is not a dataset`);
  }
  const shape = entity.shape;
  if (!shape || shape.length !== 2) {
    throw new UsageError(`${path}: '${name}' must be 2-D, has shape [${shape?.join(", ") ?? ""}]`);
  }
  return [shape[0], shape[1]];
}

/**
 * Reads the 2-D dataset `name` into a new Float32Array or Int32Array (converting float64,
 * int64 and other numeric types), slice by slice. Errors name the file and dataset.
 */
export function readMatrix<T extends Float32Array | Int32Array>(
  file: H5File,
  path: string,
  name: string,
  make: (length: number) => T,
  sliceBytes = SLICE_BYTES,
): { rows: number; cols: number; data: T } {
  const shape = matrixShape(file, path, name);
  if (!shape) throw new UsageError(`${path}: missing dataset '${name}'`);
  const [rows, cols] = shape;
  const dataset = file.get(name) as InstanceType<typeof h5wasm.Dataset>;
  const data = make(rows * cols);
  const step = rowsPer(sliceBytes, Math.max(cols, 1), rows);
  for (let start = 0; start < rows && cols > 0; start += step) {
    const end = Math.min(rows, start + step);
    let slice;
    try {
      slice = dataset.slice([[start, end], []]);
    } catch (err) {
      throw new UsageError(`${path}: cannot read '${name}' (${hdf5Reason(err)})`);
    }
    if (!ArrayBuffer.isView(slice) || slice instanceof DataView) {
      throw new UsageError(`${path}: '${name}' is not numeric`);
    }
    const target = data.subarray(start * cols, end * cols);
    if (slice instanceof BigInt64Array || slice instanceof BigUint64Array) {
      for (let i = 0; i < slice.length; i++) target[i] = Number(slice[i]);
    } else {
      target.set(slice as ArrayLike<number>);
    }
  }
  return { rows, cols, data };
}
