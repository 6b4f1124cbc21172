import h5wasm from "h5wasm/node";
import { UsageError } from "../usage/usage_error.ts";

export type H5File = InstanceType<typeof h5wasm.File>;

let ready: Promise<void> | null = null;

/** Loads the HDF5 WASM module once, with HDF5 errors thrown as exceptions (never printed). */
function init(): Promise<void> {
  ready ??= h5wasm.ready.then((module) => {
    module.activate_throwing_error_handler();
  });
  return ready;
}

/** The innermost HDF5 reason in an h5wasm error, e.g. "truncated file: eof = 1000, …". */
export function hdf5Reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const reasons = [...text.matchAll(/ in [\w.]+\(\): (.*)$/gm)].map((m) => m[1].trim());
  return reasons.at(-1) ?? text.split("\n")[0];
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Opens an existing HDF5 file for reading; a missing, non-HDF5, truncated or corrupt file gives
 * one UsageError naming the file and the problem.
 */
export async function openHdf5ForReading(path: string): Promise<H5File> {
  await init();
  let head: Uint8Array;
  try {
    using file = await Deno.open(path);
    head = new Uint8Array(8);
    const n = await file.read(head);
    head = head.subarray(0, n ?? 0);
  } catch (err) {
    throw new UsageError(`${path}: cannot read (${err instanceof Error ? err.message : err})`);
  }
  if (head.length < 8 || SIGNATURE.some((byte, i) => head[i] !== byte)) {
    throw new UsageError(`${path}: not an HDF5 file (bad signature or truncated)`);
  }
  try {
    return new h5wasm.File(path, "r");
  } catch (err) {
    throw new UsageError(`${path}: corrupt or truncated HDF5 file (${hdf5Reason(err)})`);
  }
}

/** Creates (truncates) an HDF5 file for writing. */
export async function createHdf5(path: string): Promise<H5File> {
  await init();
  return new h5wasm.File(path, "w");
}
