/**
 * The layout of the server's binary objects (collection images, S3 slot batches): a magic
 * line naming the format, a u32 little-endian header length, a JSON header, then raw parts.
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
  const out = new Uint8Array(tag.length + 4 + json.length + size);
  out.set(tag, 0);
  new DataView(out.buffer).setUint32(tag.length, json.length, true);
  out.set(json, tag.length + 4);
  let offset = tag.length + 4 + json.length;
  for (const part of parts) {
    out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), offset);
    offset += part.byteLength;
  }
  return out;
}

/** Splits `encodeTagged` bytes into the header and the bytes after it; throws on another magic. */
export function decodeTagged<H>(
  bytes: Uint8Array,
  magic: string,
  what: string,
): { header: H; body: Uint8Array } {
  const tag = new TextEncoder().encode(magic);
  if (new TextDecoder().decode(bytes.subarray(0, tag.length)) !== magic) {
    throw new Error(`not an AkiDB ${what}`);
  }
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(tag.length, true);
  const at = tag.length + 4 + jsonLength;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(tag.length + 4, at))) as H;
  return { header, body: bytes.subarray(at) };
}
