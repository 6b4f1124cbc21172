/**
 * Writes `bytes` (or the concatenation of the parts, any typed arrays) to `path` and fdatasyncs
 * it (the caller renames it into place).
 */
export async function writeDurable(
  path: string,
  bytes: Uint8Array | readonly ArrayBufferView[],
): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  for (const view of bytes instanceof Uint8Array ? [bytes] : bytes) {
    const part = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    let written = 0;
    while (written < part.length) written += await file.write(part.subarray(written));
  }
  await file.syncData();
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
