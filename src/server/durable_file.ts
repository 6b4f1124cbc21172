import { CHECKSUM_BLOCK_BYTES, type ChecksumBuilder } from "./file_checksum.ts";

/**
 * Writes `bytes` (or the concatenation of the parts, any typed arrays) to `path` and fdatasyncs
 * it (the caller renames it into place). With `checksum`, the bytes are also fed to it, one
 * block per write, so checksumming a large file never blocks the event loop for long.
 */
export async function writeDurable(
  path: string,
  bytes: Uint8Array | readonly ArrayBufferView[],
  checksum?: ChecksumBuilder,
): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  for (const view of bytes instanceof Uint8Array ? [bytes] : bytes) {
    const part = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let at = 0; at < part.length; at += CHECKSUM_BLOCK_BYTES) {
      const chunk = part.subarray(at, at + CHECKSUM_BLOCK_BYTES);
      checksum?.add(chunk);
      let written = 0;
      while (written < chunk.length) written += await file.write(chunk.subarray(written));
    }
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
