import type { CollectionMeta } from "./collection_meta.ts";
import { decodeTagged, encodeTagged } from "./tagged_bytes.ts";

const MAGIC = "AKIDB-IMAGE-2\n";

/**
 * Everything of one collection as one byte string (a tier file and its S3 object hold the same
 * bytes): magic, u32 header length, JSON header (meta, per-slot documents, deleted slots, byte
 * lengths), float32 vectors of every slot, the usearch graph (possibly empty), then a CRC-32.
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

/** Encodes `image`, whose vectors are given as ranges in slot order (each copied once). */
export function encodeCollectionImage(
  image: Omit<CollectionImage, "vectors"> & { vectors: readonly Float32Array[] },
): Uint8Array {
  const { vectors, graph, ...docs } = image;
  const vectorBytes = vectors.reduce((sum, range) => sum + range.byteLength, 0);
  const header: ImageHeader = { ...docs, vectorBytes, graphBytes: graph.length };
  return encodeTagged(MAGIC, header, [...vectors, graph]);
}

/** Decodes `encodeCollectionImage` bytes; throws on a foreign or truncated image. */
export function decodeCollectionImage(bytes: Uint8Array): CollectionImage {
  const { header, body } = decodeTagged<ImageHeader>(bytes, MAGIC, "collection image");
  const { vectorBytes, graphBytes, ...docs } = header;
  if (body.length !== vectorBytes + graphBytes) throw new Error("collection image is truncated");
  // Copies, so the (possibly large) input buffer can be freed.
  const vectors = new Float32Array(body.slice(0, vectorBytes).buffer);
  const graph = body.slice(vectorBytes);
  return { ...docs, vectors, graph };
}
