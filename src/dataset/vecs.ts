import { UsageError } from "../usage/usage_error.ts";
import { openForReading, readExactly, type VectorMatrix } from "./vector_file.ts";

/**
 * TEXMEX `.fvecs` / `.ivecs` (e.g. SIFT1M): each vector is an int32 little-endian dimension d
 * followed by d float32 (fvecs) or int32 (ivecs) values. Every record must have the same d.
 */
const SLICE_BYTES = 16 * 1024 * 1024;

async function readVecs<T extends Float32Array | Int32Array>(
  path: string,
  make: (length: number) => T,
): Promise<VectorMatrix<T>> {
  const { file, size } = await openForReading(path);
  try {
    if (size === 0) throw new UsageError(`${path}: empty file (size 0)`);
    if (size < 4) throw new UsageError(`${path}: truncated (${size} bytes)`);
    const head = new Uint8Array(4);
    await readExactly(file, head, path);
    const dim = new DataView(head.buffer).getInt32(0, true);
    if (dim < 1 || dim > 1_000_000) {
      throw new UsageError(`${path}: corrupt header: dimension ${dim}`);
    }
    const record = 4 + 4 * dim;
    if (size % record !== 0) {
      throw new UsageError(
        `${path}: truncated or corrupt: ${size} bytes is not a whole number of ` +
          `${record}-byte records (dimension ${dim})`,
      );
    }
    const rows = size / record;
    const data = make(rows * dim);
    const out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    await file.seek(0, Deno.SeekMode.Start);
    const perSlice = Math.max(1, Math.floor(SLICE_BYTES / record));
    const buffer = new Uint8Array(perSlice * record);
    const view = new DataView(buffer.buffer);
    for (let start = 0; start < rows; start += perSlice) {
      const count = Math.min(perSlice, rows - start);
      await readExactly(file, buffer.subarray(0, count * record), path);
      for (let r = 0; r < count; r++) {
        const d = view.getInt32(r * record, true);
        if (d !== dim) {
          throw new UsageError(`${path}: vector ${start + r} has dimension ${d}, expected ${dim}`);
        }
        out.set(
          buffer.subarray(r * record + 4, (r + 1) * record),
          (start + r) * dim * 4,
        );
      }
    }
    return { rows, dim, data };
  } finally {
    file.close();
  }
}

/** Reads a `.fvecs` file; throws UsageError naming the file when truncated or corrupt. */
export function readFvecs(path: string): Promise<VectorMatrix<Float32Array>> {
  return readVecs(path, (n) => new Float32Array(n));
}

/** Reads an `.ivecs` file (e.g. TEXMEX ground-truth ids). */
export function readIvecs(path: string): Promise<VectorMatrix<Int32Array>> {
  return readVecs(path, (n) => new Int32Array(n));
}
