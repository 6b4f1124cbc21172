import { crc32 as zlibCrc32 } from "node:zlib";

/**
 * CRC-32 (IEEE 802.3) of `bytes`, as an unsigned 32-bit integer. Passing the CRC of earlier
 * bytes as `previous` continues it: crc32(b, crc32(a)) is the CRC of a followed by b.
 *
 * node:zlib's (native in Deno): ~35 GB/s against 0.85 GB/s of the slicing-by-8 tables in JS
 * it replaces (scratch run on this 2-core VM, 2026-12-06); a 1M × 512 bulk load checksums its
 * 2 GB in the WAL and again in each snapshot, on the event loop.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  return zlibCrc32(bytes, previous) >>> 0;
}
