import type { CollectionMeta } from "./collection_meta.ts";
import { crc32 } from "./crc32.ts";

/** One inserted document of an insert record (its vector is in the record's `vectors`). */
export interface InsertedDoc {
  docId: string;
  externalId: string | null;
  insertedAt: number;
}

/** One logged mutation. Replaying every record in order rebuilds the state. */
export type WalRecord =
  | { type: "create_collection"; meta: CollectionMeta }
  | { type: "delete_collection"; collectionId: string }
  | {
    /** A whole insert request: one record, so a batch is on disk all or nothing. */
    type: "insert";
    collectionId: string;
    docs: InsertedDoc[];
    /** The documents' vectors, concatenated in `docs` order. */
    vectors: Float32Array;
  }
  | { type: "delete_doc"; collectionId: string; docId: string };

/** "AKW2": marks a frame start, so a reader can find the intact frames after a damaged one. */
const MAGIC = [0x41, 0x4b, 0x57, 0x32];

/**
 * Frame header (little endian): magic, u32 payload length, u32 CRC-32 of the payload, u32 CRC-32
 * of the 12 bytes before it. The header has its own checksum so a flipped length is caught
 * as such, not read as a frame running past the end of the file (a torn tail).
 */
export const FRAME_HEADER_BYTES = 16;

/**
 * Encodes a record as one checksummed frame. Payload: u32 JSON length, JSON header, then the
 * vectors' raw little-endian float32 bytes (insert records only).
 */
export function encodeWalRecord(record: WalRecord): Uint8Array {
  const { vectors, header } = record.type === "insert"
    ? { vectors: record.vectors, header: { ...record, vectors: undefined } }
    : { vectors: undefined, header: record };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const vectorBytes = vectors ? vectors.byteLength : 0;
  const payloadLength = 4 + json.length + vectorBytes;
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payloadLength);
  const view = new DataView(frame.buffer);
  view.setUint32(FRAME_HEADER_BYTES, json.length, true);
  frame.set(json, FRAME_HEADER_BYTES + 4);
  if (vectors) {
    frame.set(
      new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength),
      FRAME_HEADER_BYTES + 4 + json.length,
    );
  }
  frame.set(MAGIC, 0);
  view.setUint32(4, payloadLength, true);
  view.setUint32(8, crc32(frame.subarray(FRAME_HEADER_BYTES)), true);
  view.setUint32(12, crc32(frame.subarray(0, 12)), true);
  return frame;
}

/** Damage in a WAL segment; `torn` when it is an unfinished final write (see scanWalRecords). */
export interface WalDamage {
  offset: number;
  what: string;
  torn: boolean;
  /** Intact records after the damage (what recovery from it drops). */
  droppedRecords: number;
}

/** Records of a segment up to `validBytes`, and the damage that ends them, if any. */
export interface WalScan {
  records: WalRecord[];
  validBytes: number;
  damage: WalDamage | null;
}

/**
 * Decodes consecutive frames from `bytes` until the end or the first damaged frame.
 *
 * Torn tail or corruption: the log is only appended to, and a record is acknowledged only after
 * the write holding it and every earlier one was fdatasynced. A crash mid-write leaves a prefix
 * of that write, or (power loss) some of its sectors unwritten: damage that reaches the end of
 * the file with no intact frame after it. So damage with no intact frame after it is a torn
 * tail, never acknowledged, safe to cut. An intact frame after the damage proves the damaged
 * bytes were written and synced before it: that is corruption of data that may have been
 * acknowledged, and only an explicit recovery may drop it.
 */
export function scanWalRecords(bytes: Uint8Array): WalScan {
  const records: WalRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const frame = checkFrame(bytes, offset);
    if (frame.what !== null) return damaged(bytes, records, offset, frame.what);
    try {
      records.push(decodePayload(bytes.subarray(offset + FRAME_HEADER_BYTES, frame.end)));
    } catch (error) {
      const scan = damaged(bytes, records, offset, `record does not decode: ${error}`);
      return { ...scan, damage: { ...scan.damage!, torn: false } };
    }
    offset = frame.end;
  }
  return { records, validBytes: offset, damage: null };
}

function damaged(bytes: Uint8Array, records: WalRecord[], offset: number, what: string): WalScan {
  let droppedRecords = 0;
  let at = nextIntactFrame(bytes, offset + 1);
  const torn = at === null;
  while (at !== null) {
    droppedRecords++;
    const end: number = checkFrame(bytes, at).end;
    at = checkFrame(bytes, end).what === null ? end : nextIntactFrame(bytes, end + 1);
  }
  return { records, validBytes: offset, damage: { offset, what, torn, droppedRecords } };
}

/** Offset of the first intact frame at or after `from`, or null. */
function nextIntactFrame(bytes: Uint8Array, from: number): number | null {
  for (let at = from; at + FRAME_HEADER_BYTES <= bytes.length; at++) {
    if (bytes[at] !== MAGIC[0] || bytes[at + 1] !== MAGIC[1]) continue;
    if (checkFrame(bytes, at).what === null) return at;
  }
  return null;
}

/** Where the frame at `offset` ends, and what is wrong with it (null when intact). */
function checkFrame(bytes: Uint8Array, offset: number): { end: number; what: string | null } {
  const left = bytes.length - offset;
  if (left < FRAME_HEADER_BYTES) {
    return { end: bytes.length, what: `incomplete record header (${left} of 16 bytes)` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, FRAME_HEADER_BYTES);
  if (MAGIC.some((byte, i) => bytes[offset + i] !== byte)) {
    return { end: offset, what: "no record starts here (bad magic)" };
  }
  if (crc32(bytes.subarray(offset, offset + 12)) !== view.getUint32(12, true)) {
    return { end: offset, what: "record header checksum mismatch" };
  }
  const length = view.getUint32(4, true);
  const end = offset + FRAME_HEADER_BYTES + length;
  if (length < 4) return { end, what: `record length ${length} is too short` };
  if (end > bytes.length) {
    return { end, what: `incomplete record (${left} of ${FRAME_HEADER_BYTES + length} bytes)` };
  }
  if (crc32(bytes.subarray(offset + FRAME_HEADER_BYTES, end)) !== view.getUint32(8, true)) {
    return { end, what: "record checksum mismatch" };
  }
  return { end, what: null };
}

function decodePayload(payload: Uint8Array): WalRecord {
  const jsonLength = new DataView(payload.buffer, payload.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(payload.subarray(4, 4 + jsonLength)));
  if (header.type !== "insert") return header as WalRecord;
  const raw = payload.slice(4 + jsonLength);
  return { ...header, vectors: new Float32Array(raw.buffer, 0, raw.byteLength / 4) };
}
