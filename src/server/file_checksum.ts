import { crc32 } from "./crc32.ts";
import { StorageDamage } from "./storage_damage.ts";

/** Bytes per checksummed block: a mismatch is located to within one block. */
export const CHECKSUM_BLOCK_BYTES = 1 << 20;

/** A file's length and the CRC-32 of each CHECKSUM_BLOCK_BYTES block (the last may be short). */
export interface FileChecksum {
  bytes: number;
  crc32: number[];
}

/** Builds a FileChecksum from bytes fed in order, in pieces of any size. */
export class ChecksumBuilder {
  #bytes = 0;
  #crcs: number[] = [];
  #current = 0;

  add(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      const fill = this.#bytes % CHECKSUM_BLOCK_BYTES;
      const take = Math.min(bytes.length - at, CHECKSUM_BLOCK_BYTES - fill);
      this.#current = crc32(bytes.subarray(at, at + take), fill === 0 ? 0 : this.#current);
      if (fill === 0) this.#crcs.push(0);
      this.#crcs[this.#crcs.length - 1] = this.#current;
      this.#bytes += take;
      at += take;
    }
  }

  get result(): FileChecksum {
    return { bytes: this.#bytes, crc32: [...this.#crcs] };
  }
}

/** Reads `path` and checks it against `expected`; throws StorageDamage at the first difference. */
export async function readVerified(path: string, expected: FileChecksum): Promise<Uint8Array> {
  const bytes = await readListedFile(path);
  verifyChecksum(path, bytes, expected);
  return bytes;
}

/** Reads a file the snapshot manifest lists; StorageDamage when it is missing. */
export async function readListedFile(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new StorageDamage(path, 0, "file is missing (the snapshot manifest lists it)");
  }
}

/** Checks `bytes` (the content of `path`) against `expected`; throws StorageDamage if they differ. */
export function verifyChecksum(path: string, bytes: Uint8Array, expected: FileChecksum): void {
  checkLength(path, bytes.length, expected.bytes);
  expected.crc32.forEach((crc, block) => {
    const start = block * CHECKSUM_BLOCK_BYTES;
    const end = Math.min(start + CHECKSUM_BLOCK_BYTES, bytes.length);
    if (crc32(bytes.subarray(start, end)) !== crc) {
      throw new StorageDamage(path, start, `checksum mismatch in bytes ${start}..${end}`);
    }
  });
}

/** The FileChecksum of the file at `path`, read a block at a time. */
export async function checksumFile(path: string): Promise<FileChecksum> {
  using file = await Deno.open(path, { read: true });
  const builder = new ChecksumBuilder();
  const buffer = new Uint8Array(CHECKSUM_BLOCK_BYTES);
  for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
    builder.add(buffer.subarray(0, n));
  }
  return builder.result;
}

/** Checks the file at `path` against `expected` without holding it in memory. */
export async function verifyFile(path: string, expected: FileChecksum): Promise<void> {
  let actual: FileChecksum;
  try {
    actual = await checksumFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new StorageDamage(path, 0, "file is missing (the snapshot manifest lists it)");
  }
  checkLength(path, actual.bytes, expected.bytes);
  expected.crc32.forEach((crc, block) => {
    if (actual.crc32[block] !== crc) {
      const start = block * CHECKSUM_BLOCK_BYTES;
      const end = Math.min(start + CHECKSUM_BLOCK_BYTES, actual.bytes);
      throw new StorageDamage(path, start, `checksum mismatch in bytes ${start}..${end}`);
    }
  });
}

function checkLength(path: string, actual: number, expected: number): void {
  if (actual === expected) return;
  const how = actual < expected ? "truncated" : "has extra bytes";
  throw new StorageDamage(
    path,
    Math.min(actual, expected),
    `${how}: ${actual} bytes, the snapshot manifest says ${expected}`,
  );
}
