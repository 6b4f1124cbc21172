import { crc32 } from "./crc32.ts";

/**
 * The layout of the server's binary objects (collection images, S3 slot batches): a magic
 * line naming the format, a u32 little-endian header length, a JSON header, raw parts, then
 * a u32 CRC-32 of every byte before it (a damaged tier file or object is refused, not served).
 */

/** Encodes `header` and `parts` (float32 arrays as their bytes) behind `magic`; one copy each. */
export function encodeTagged(
  magic: string,
  header: unknown,
  parts: readonly (Float32Array | Uint8Array)[],
): Uint8Array {
  const tag = new TextEncoder().encode(magic);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const size = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(tag.length + 4 + json.length + size + 4);
  out.set(tag, 0);
  new DataView(out.buffer).setUint32(tag.length, json.length, true);
  out.set(json, tag.length + 4);
  let offset = tag.length + 4 + json.length;
  for (const part of parts) {
    out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), offset);
    offset += part.byteLength;
  }
  new DataView(out.buffer).setUint32(offset, crc32(out.subarray(0, offset)), true);
  return out;
}

/**
 * Splits `encodeTagged` bytes into the header and the parts after it; throws on another magic
 * (an older format included) or a checksum mismatch.
 */
export function decodeTagged<H>(
  bytes: Uint8Array,
  magic: string,
  what: string,
): { header: H; body: Uint8Array } {
  const tag = new TextEncoder().encode(magic);
  if (new TextDecoder().decode(bytes.subarray(0, tag.length)) !== magic) {
    throw new Error(`not an AkiDB ${what} of this version (magic ${JSON.stringify(magic)})`);
  }
  const end = bytes.length - 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (end < tag.length + 4 || crc32(bytes.subarray(0, end)) !== view.getUint32(end, true)) {
    throw new Error(`${what} checksum mismatch (${bytes.length} bytes)`);
  }
  const jsonLength = view.getUint32(tag.length, true);
  const at = tag.length + 4 + jsonLength;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(tag.length + 4, at))) as H;
  return { header, body: bytes.subarray(at, end) };
}
