import { UsageError } from "../usage/usage_error.ts";

/** A vector file's rows, read into one row-major array. */
export interface VectorMatrix<T extends Float32Array | Int32Array> {
  rows: number;
  dim: number;
  data: T;
}

/** Fills `buffer` from the file's current position; a short file is a UsageError on `path`. */
export async function readExactly(file: Deno.FsFile, buffer: Uint8Array, path: string) {
  let done = 0;
  while (done < buffer.length) {
    const n = await file.read(buffer.subarray(done));
    if (n === null) throw new UsageError(`${path}: truncated (unexpected end of file)`);
    done += n;
  }
}

/** Opens `path` for reading and returns it with its size; errors name the file. */
export async function openForReading(path: string): Promise<{ file: Deno.FsFile; size: number }> {
  try {
    const file = await Deno.open(path);
    return { file, size: (await file.stat()).size };
  } catch (err) {
    throw new UsageError(`${path}: cannot read (${err instanceof Error ? err.message : err})`);
  }
}
