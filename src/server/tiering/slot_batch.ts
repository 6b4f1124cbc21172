import type { Collection } from "../collection.ts";
import type { CollectionMeta } from "../collection_meta.ts";
import { float32Bytes } from "../durable_file.ts";

const MAGIC = "AKIDB-BATCH-1\n";

/** Documents of slots [fromSlot, toSlot) of a collection, plus slots deleted since last batch. */
export interface SlotBatch {
  meta: CollectionMeta;
  fromSlot: number;
  toSlot: number;
  docIds: string[];
  externalIds: (string | null)[];
  insertedAt: number[];
  /** Slots (any, below toSlot) deleted since the previous batch. */
  deletedSlots: number[];
  /** Float32 vectors of the batch's slots, meta.dimension each. */
  vectors: Float32Array;
}

/** Encodes a batch as one object: magic, u32 header length, JSON header, float32 vectors. */
export function encodeSlotBatch(
  collection: Collection,
  fromSlot: number,
  toSlot: number,
  deletedSlots: number[],
): Uint8Array {
  const dim = collection.meta.dimension;
  const vectors = collection.vectors.ranges(fromSlot, toSlot);
  const vectorBytes = (toSlot - fromSlot) * dim * 4;
  const header = new TextEncoder().encode(JSON.stringify({
    meta: collection.meta,
    fromSlot,
    toSlot,
    docIds: collection.docIds.slice(fromSlot, toSlot),
    externalIds: collection.externalIds.slice(fromSlot, toSlot),
    insertedAt: collection.insertedAt.slice(fromSlot, toSlot),
    deletedSlots,
  }));
  const magic = new TextEncoder().encode(MAGIC);
  const out = new Uint8Array(magic.length + 4 + header.length + vectorBytes);
  out.set(magic, 0);
  new DataView(out.buffer).setUint32(magic.length, header.length, true);
  out.set(header, magic.length + 4);
  let offset = magic.length + 4 + header.length;
  for (const range of vectors) {
    out.set(float32Bytes(range), offset);
    offset += range.byteLength;
  }
  return out;
}

/** Decodes `encodeSlotBatch` bytes; throws on a foreign or truncated object. */
export function decodeSlotBatch(bytes: Uint8Array): SlotBatch {
  const magic = new TextEncoder().encode(MAGIC);
  if (new TextDecoder().decode(bytes.subarray(0, magic.length)) !== MAGIC) {
    throw new Error("not an AkiDB slot batch");
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(magic.length, true);
  const at = magic.length + 4 + headerLength;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(magic.length + 4, at)));
  const vectorBytes = (header.toSlot - header.fromSlot) * header.meta.dimension * 4;
  if (bytes.length !== at + vectorBytes) throw new Error("slot batch is truncated");
  return { ...header, vectors: new Float32Array(bytes.slice(at).buffer) };
}
