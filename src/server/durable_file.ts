/**
 * Writes `bytes` (or the concatenation of the parts) to `path` and fdatasyncs it (the caller
 * renames it into place).
 */
export async function writeDurable(
  path: string,
  bytes: Uint8Array | readonly Uint8Array[],
): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  for (const part of bytes instanceof Uint8Array ? [bytes] : bytes) {
    let written = 0;
    while (written < part.length) written += await file.write(part.subarray(written));
  }
  await file.syncData();
}

/** The bytes of a float32 array (a view, no copy). */
export function float32Bytes(vectors: Float32Array): Uint8Array {
  return new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
}

/** fdatasyncs an existing file (e.g. one written by native code). */
export async function syncFile(path: string): Promise<void> {
  using file = await Deno.open(path, { read: true, write: true });
  await file.syncData();
}

/** fsyncs a directory so renames inside it are durable. */
export async function syncDir(path: string): Promise<void> {
  using dir = await Deno.open(path, { read: true });
  await dir.sync().catch(() => {});
}
