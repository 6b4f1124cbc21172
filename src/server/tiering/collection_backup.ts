import type { Collection } from "../collection.ts";
import type { CollectionMeta } from "../collection_meta.ts";

const MAGIC = "AKIDB-BACKUP-1\n";

/** A decoded backup object: everything needed to rebuild the collection. */
export interface CollectionBackup {
  meta: CollectionMeta;
  docIds: string[];
  externalIds: (string | null)[];
  insertedAt: number[];
  deletedSlots: number[];
  /** Slot-ordered float32 vectors, meta.dimension each. */
  vectors: Float32Array;
  /** The HNSW graph (usearch format), empty when the collection had none. */
  index: Uint8Array;
}

/** Encodes a collection as one object: magic, u32 header length, JSON header, vectors, index. */
export async function encodeCollectionBackup(collection: Collection): Promise<Uint8Array> {
  const count = collection.vectors.count;
  const deleted = collection.deletedFlags(count);
  const vectors = collection.vectors.prefix(count);
  const index = await collection.index.serializeGraph() ?? new Uint8Array();
  const header = new TextEncoder().encode(JSON.stringify({
    meta: collection.meta,
    docIds: collection.docIds.slice(0, count),
    externalIds: collection.externalIds.slice(0, count),
    insertedAt: collection.insertedAt.slice(0, count),
    deletedSlots: [...deleted.keys()].filter((slot) => deleted[slot] === 1),
    indexBytes: index.length,
  }));
  const magic = new TextEncoder().encode(MAGIC);
  const out = new Uint8Array(magic.length + 4 + header.length + vectors.byteLength + index.length);
  let at = 0;
  out.set(magic, at);
  at += magic.length;
  new DataView(out.buffer).setUint32(at, header.length, true);
  at += 4;
  out.set(header, at);
  at += header.length;
  out.set(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength), at);
  at += vectors.byteLength;
  out.set(index, at);
  return out;
}

/** Decodes `encodeCollectionBackup` bytes; throws on a foreign or truncated object. */
export function decodeCollectionBackup(bytes: Uint8Array): CollectionBackup {
  const magic = new TextEncoder().encode(MAGIC);
  if (new TextDecoder().decode(bytes.subarray(0, magic.length)) !== MAGIC) {
    throw new Error("not an AkiDB collection backup");
  }
  let at = magic.length;
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
  at += 4;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(at, at + headerLength)));
  at += headerLength;
  const vectorBytes = header.docIds.length * header.meta.dimension * 4;
  if (bytes.length !== at + vectorBytes + header.indexBytes) {
    throw new Error("collection backup is truncated");
  }
  const vectors = new Float32Array(bytes.slice(at, at + vectorBytes).buffer);
  at += vectorBytes;
  return {
    meta: header.meta,
    docIds: header.docIds,
    externalIds: header.externalIds,
    insertedAt: header.insertedAt,
    deletedSlots: header.deletedSlots,
    vectors,
    index: bytes.slice(at),
  };
}
