import { vectorJsonMaxBytes, writeVectorJson } from "./float32_json.ts";

/**
 * Texts of vectors formatted ahead of the load. Formatting 512 float32s costs the generator
 * 20–40 µs (float32_json.ts), as much as the rest of a search request; a run's measured searches reuse the
 * dataset's fixed queries, so the run formats those once, before the schedule starts, and the
 * adapters find the text here by the vector's identity. Any other vector is formatted when sent
 * (on the send path, so its cost is inside the measured latency).
 */
const ahead = new WeakMap<Float32Array, Formatted>();
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let scratch = new Uint8Array(0);

/** A vector's text and the request bodies built around it so far, by their key. */
interface Formatted {
  text: string;
  bodies: Map<string, Uint8Array<ArrayBuffer>>;
}

/** Formats `vectors` now, so that vectorText of these very arrays costs a lookup. */
export function encodeAhead(vectors: Iterable<Float32Array>): void {
  for (const v of vectors) ahead.set(v, { text: formatVector(v), bodies: new Map() });
}

/**
 * `[x,y,…]`: the JSON array the HTTP targets send and pgvector's text literal alike, each
 * float32 printed exactly in 8 or 9 digits (float32_json.ts).
 */
export function vectorText(v: Float32Array): string {
  return ahead.get(v)?.text ?? formatVector(v);
}

/**
 * The UTF-8 bytes of `build(vectorText(v))`, a request body around the vector. For a vector
 * formatted ahead they are built once per `key` (what else `build` puts in the body, e.g. the
 * top k) and kept beside its text: a measured search then neither concatenates nor encodes ~10 KB
 * (nor leaves them to the garbage collector). The bytes are shared: never write into them.
 */
export function vectorBody(
  v: Float32Array,
  key: string,
  build: (text: string) => string,
): Uint8Array<ArrayBuffer> {
  const formatted = ahead.get(v);
  if (!formatted) return encoder.encode(build(formatVector(v)));
  let body = formatted.bodies.get(key);
  if (!body) formatted.bodies.set(key, body = encoder.encode(build(formatted.text)));
  return body;
}

/** `[x,y,…]` through writeVectorJson (a scratch buffer, grown for longer vectors). */
function formatVector(v: Float32Array): string {
  const bytes = vectorJsonMaxBytes(v.length);
  if (scratch.length < bytes) scratch = new Uint8Array(bytes);
  return decoder.decode(scratch.subarray(0, writeVectorJson(scratch, 0, v)));
}
