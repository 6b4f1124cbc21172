import type { CollectionMeta } from "./collection_meta.ts";
import { float32Bytes } from "./durable_file.ts";

const MAGIC = "AKIDB-IMAGE-1\n";

/**
 * Everything of one collection as one byte string (a tier file and its S3 object hold the same
 * bytes): magic, u32 header length, JSON header (meta, per-slot documents, deleted slots, byte
 * lengths), float32 vectors of every slot, then the usearch graph (possibly empty).
 */
export interface CollectionImage {
  meta: CollectionMeta;
  docIds: string[];
  externalIds: (string | null)[];
  insertedAt: number[];
  deletedSlots: number[];
  /** Float32 vectors of all slots, meta.dimension each. */
  vectors: Float32Array;
  /** Serialized HNSW graph; empty when the collection has none. */
  graph: Uint8Array;
}

interface ImageHeader {
  meta: CollectionMeta;
  docIds: string[];
  externalIds: (string | null)[];
  insertedAt: number[];
  deletedSlots: number[];
  vectorBytes: number;
  graphBytes: number;
}

/**
 * Encodes `image`, whose vectors are given as ranges in slot order (vectors and graph are copied
 * once into the result).
 */
export function encodeCollectionImage(
  image: Omit<CollectionImage, "vectors"> & { vectors: readonly Float32Array[] },
): Uint8Array {
  const { vectors, graph, ...docs } = image;
  const vectorBytes = vectors.reduce((sum, range) => sum + range.byteLength, 0);
  const header: ImageHeader = { ...docs, vectorBytes, graphBytes: graph.length };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const magic = new TextEncoder().encode(MAGIC);
  const at = magic.length + 4 + json.length;
  const out = new Uint8Array(at + vectorBytes + graph.length);
  out.set(magic, 0);
  new DataView(out.buffer).setUint32(magic.length, json.length, true);
  out.set(json, magic.length + 4);
  let offset = at;
  for (const range of vectors) {
    out.set(float32Bytes(range), offset);
    offset += range.byteLength;
  }
  out.set(graph, offset);
  return out;
}

/** Decodes `encodeCollectionImage` bytes; throws on a foreign or truncated image. */
export function decodeCollectionImage(bytes: Uint8Array): CollectionImage {
  const magic = new TextEncoder().encode(MAGIC);
  if (new TextDecoder().decode(bytes.subarray(0, magic.length)) !== MAGIC) {
    throw new Error("not an AkiDB collection image");
  }
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(magic.length, true);
  const at = magic.length + 4 + jsonLength;
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(magic.length + 4, at)),
  ) as ImageHeader;
  const { vectorBytes, graphBytes, ...docs } = header;
  if (bytes.length !== at + vectorBytes + graphBytes) {
    throw new Error("collection image is truncated");
  }
  // Copies, so the (possibly large) input buffer can be freed.
  const vectors = new Float32Array(bytes.slice(at, at + vectorBytes).buffer);
  const graph = bytes.slice(at + vectorBytes);
  return { ...docs, vectors, graph };
}
