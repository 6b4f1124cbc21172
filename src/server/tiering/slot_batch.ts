import type { Collection } from "../collection.ts";
import type { CollectionMeta } from "../collection_meta.ts";
import { decodeTagged, encodeTagged } from "../tagged_bytes.ts";

const MAGIC = "AKIDB-BATCH-2\n";

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

/** Encodes a batch as one object: magic, u32 header length, JSON header, float32 vectors, CRC. */
export function encodeSlotBatch(
  collection: Collection,
  fromSlot: number,
  toSlot: number,
  deletedSlots: number[],
): Uint8Array {
  const header = {
    meta: collection.meta,
    fromSlot,
    toSlot,
    docIds: collection.docIds.slice(fromSlot, toSlot),
    externalIds: collection.externalIds.slice(fromSlot, toSlot),
    insertedAt: collection.insertedAt.slice(fromSlot, toSlot),
    deletedSlots,
  };
  return encodeTagged(MAGIC, header, collection.vectors.ranges(fromSlot, toSlot));
}

/** Decodes `encodeSlotBatch` bytes; throws on a foreign or truncated object. */
export function decodeSlotBatch(bytes: Uint8Array): SlotBatch {
  const { header, body } = decodeTagged<Omit<SlotBatch, "vectors">>(bytes, MAGIC, "slot batch");
  const vectorBytes = (header.toSlot - header.fromSlot) * header.meta.dimension * 4;
  if (body.length !== vectorBytes) throw new Error("slot batch is truncated");
  return { ...header, vectors: new Float32Array(body.slice().buffer) };
}
