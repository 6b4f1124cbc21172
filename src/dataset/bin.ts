import { UsageError } from "../usage/usage_error.ts";
import { openForReading, readExactly, type VectorMatrix } from "./vector_file.ts";

/**
 * big-ann-benchmarks `.fbin` / `.ibin`: a header of uint32 n and uint32 d (little-endian), then
 * n × d float32 (fbin) or int32 (ibin) values. A ground-truth `.ibin` may instead hold n × d ids
 * followed by n × d float32 distances (the big-ann ground-truth layout).
 */
interface BinLayout {
  file: Deno.FsFile;
  rows: number;
  dim: number;
  /** Bytes after the header divided by rows × dim × 4: 1 for plain, 2 for ids + distances. */
  blocks: number;
}

async function openBin(path: string, allowed: number[]): Promise<BinLayout> {
  const { file, size } = await openForReading(path);
  try {
    if (size === 0) throw new UsageError(`${path}: empty file (size 0)`);
    if (size < 8) throw new UsageError(`${path}: truncated header (${size} bytes)`);
    const head = new Uint8Array(8);
    await readExactly(file, head, path);
    const view = new DataView(head.buffer);
    const rows = view.getUint32(0, true);
    const dim = view.getUint32(4, true);
    if (rows === 0) throw new UsageError(`${path}: header says 0 vectors (size 0)`);
    if (dim === 0) throw new UsageError(`${path}: header says dimension 0`);
    const blocks = allowed.find((b) => size === 8 + b * rows * dim * 4);
    if (blocks === undefined) {
      throw new UsageError(
        `${path}: truncated or corrupt: header says ${rows} × ${dim} but the file has ${size} bytes`,
      );
    }
    return { file, rows, dim, blocks };
  } catch (err) {
    file.close();
    throw err;
  }
}

async function readBlock<T extends Float32Array | Int32Array>(
  file: Deno.FsFile,
  path: string,
  data: T,
): Promise<T> {
  await readExactly(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), path);
  return data;
}

/** Reads a `.fbin` file; throws UsageError naming the file when truncated or corrupt. */
export async function readFbin(path: string): Promise<VectorMatrix<Float32Array>> {
  const { file, rows, dim } = await openBin(path, [1]);
  try {
    return { rows, dim, data: await readBlock(file, path, new Float32Array(rows * dim)) };
  } finally {
    file.close();
  }
}

/** Reads an `.ibin` file of ids, with the distances when it is in the big-ann GT layout. */
export async function readIbin(
  path: string,
): Promise<VectorMatrix<Int32Array> & { distances: Float32Array | null }> {
  const { file, rows, dim, blocks } = await openBin(path, [1, 2]);
  try {
    const data = await readBlock(file, path, new Int32Array(rows * dim));
    const distances = blocks === 2
      ? await readBlock(file, path, new Float32Array(rows * dim))
      : null;
    return { rows, dim, data, distances };
  } finally {
    file.close();
  }
}
