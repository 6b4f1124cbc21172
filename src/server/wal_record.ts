import type { CollectionMeta } from "./collection_meta.ts";
import { crc32 } from "./crc32.ts";

/** One logged mutation. Replaying every record in order rebuilds the state. */
export type WalRecord =
  | { type: "create_collection"; meta: CollectionMeta }
  | { type: "delete_collection"; collectionId: string }
  | {
    type: "insert";
    collectionId: string;
    docId: string;
    externalId: string | null;
    insertedAt: number;
    vector: Float32Array;
  }
  | { type: "delete_doc"; collectionId: string; docId: string };

/** Frame header: u32 payload length, u32 CRC-32 of the payload (little endian). */
export const FRAME_HEADER_BYTES = 8;

/**
 * Encodes a record as one checksummed frame. Payload: u32 JSON length, JSON header, then the
 * vector's raw little-endian float32 bytes (insert records only).
 */
export function encodeWalRecord(record: WalRecord): Uint8Array {
  const { vector, header } = record.type === "insert"
    ? { vector: record.vector, header: { ...record, vector: undefined } }
    : { vector: undefined, header: record };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const vectorBytes = vector ? vector.byteLength : 0;
  const payloadLength = 4 + json.length + vectorBytes;
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payloadLength);
  const view = new DataView(frame.buffer);
  view.setUint32(FRAME_HEADER_BYTES, json.length, true);
  frame.set(json, FRAME_HEADER_BYTES + 4);
  if (vector) {
    frame.set(
      new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength),
      FRAME_HEADER_BYTES + 4 + json.length,
    );
  }
  const payload = frame.subarray(FRAME_HEADER_BYTES);
  view.setUint32(0, payloadLength, true);
  view.setUint32(4, crc32(payload), true);
  return frame;
}

/**
 * Decodes consecutive frames from `bytes`. Stops at the first incomplete or corrupt frame
 * (a torn tail) and reports how many bytes were valid.
 */
export function decodeWalRecords(bytes: Uint8Array): { records: WalRecord[]; validBytes: number } {
  const records: WalRecord[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset + FRAME_HEADER_BYTES <= bytes.length) {
    const length = view.getUint32(offset, true);
    const end = offset + FRAME_HEADER_BYTES + length;
    if (length < 4 || end > bytes.length) break;
    const payload = bytes.subarray(offset + FRAME_HEADER_BYTES, end);
    if (crc32(payload) !== view.getUint32(offset + 4, true)) break;
    records.push(decodePayload(payload));
    offset = end;
  }
  return { records, validBytes: offset };
}

function decodePayload(payload: Uint8Array): WalRecord {
  const jsonLength = new DataView(payload.buffer, payload.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(payload.subarray(4, 4 + jsonLength)));
  if (header.type !== "insert") return header as WalRecord;
  const raw = payload.slice(4 + jsonLength);
  return { ...header, vector: new Float32Array(raw.buffer, 0, raw.byteLength / 4) };
}
