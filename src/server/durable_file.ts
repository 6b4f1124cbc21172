/** Writes `bytes` to `path` and fdatasyncs it (the caller renames it into place). */
export async function writeDurable(path: string, bytes: Uint8Array): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
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
