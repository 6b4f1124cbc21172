import { join } from "node:path";
import { syncDir, syncFile } from "./durable_file.ts";
import { StorageDamage } from "./storage_damage.ts";
import { listWalSegments, readWalSegment, walSegmentName } from "./wal.ts";
import type { WalRecord } from "./wal_record.ts";
import { WAL_HEAD } from "./wal_head.ts";

/** The WAL from a snapshot on, as read at startup (nothing changed on disk yet). */
export interface WalState {
  /** Sequence numbers of the segments present, ascending. */
  segments: number[];
  /** Intact records in log order, up to the first damage. */
  records: WalRecord[];
  /** An unfinished final write at the end of the last segment: cut on start. */
  torn: { seq: number; offset: number; bytes: number } | null;
  /** The first damage that is not a torn tail (a missing segment included). */
  damage: { seq: number; error: StorageDamage } | null;
  /** Intact records after `damage` (what recovering from it drops). */
  droppedRecords: number;
}

/**
 * Reads WAL segments `fromSeq` on. They must be consecutive, start at `fromSeq` when
 * `firstRequired` (a snapshot names it, or the data dir is initialised; see storageFormat) and
 * reach `head` (WAL_HEAD's newest segment, when known): a missing one is damage, never an
 * empty log. Only the last segment written to may end torn: a segment is complete before the
 * next one is created (Wal.rotate drains first).
 */
export async function readWalState(
  dataDir: string,
  fromSeq: number,
  firstRequired: boolean,
  head: number | null,
): Promise<WalState> {
  const segments = (await listWalSegments(dataDir)).filter((s) => s >= fromSeq);
  const state: WalState = { segments, records: [], torn: null, damage: null, droppedRecords: 0 };
  // The last segment holding bytes may end torn: after a failed write (disk full) the WAL
  // refuses every later append, so the segments a checkpoint opens after it stay empty.
  let lastWritten = segments[0];
  for (const seq of segments) {
    if ((await Deno.stat(join(dataDir, walSegmentName(seq)))).size > 0) lastWritten = seq;
  }
  let expected = firstRequired ? fromSeq : segments[0];
  for (const seq of segments) {
    const path = join(dataDir, walSegmentName(seq));
    if (seq !== expected && state.damage === null) {
      const missing = join(dataDir, walSegmentName(expected));
      const what = `WAL segment is missing (${walSegmentName(seq)} follows it)`;
      const error = new StorageDamage(missing, null, what);
      state.damage = { seq: expected, error };
    }
    expected = seq + 1;
    const scan = await readWalSegment(path);
    if (state.damage !== null) {
      state.droppedRecords += scan.records.length + (scan.damage?.droppedRecords ?? 0);
      continue;
    }
    state.records.push(...scan.records);
    if (scan.damage === null) continue;
    if (scan.damage.torn && seq === lastWritten) {
      state.torn = { seq, offset: scan.validBytes, bytes: scan.bytes - scan.validBytes };
      continue;
    }
    const what = scan.damage.torn
      ? `${scan.damage.what}, and a later WAL segment exists`
      : `${scan.damage.what} (${scan.damage.droppedRecords} intact records follow)`;
    state.damage = { seq, error: new StorageDamage(path, scan.damage.offset, what) };
    state.droppedRecords += scan.damage.droppedRecords;
  }
  if (firstRequired && segments.length === 0) {
    const missing = join(dataDir, walSegmentName(fromSeq));
    state.damage = {
      seq: fromSeq,
      error: new StorageDamage(missing, null, "WAL segment is missing (the log starts with it)"),
    };
  } else if (head !== null && expected <= head && state.damage === null) {
    // Segments are created in order, so the missing ones are the newest: nothing follows them.
    const missing = join(dataDir, walSegmentName(expected));
    const what = expected === head
      ? `WAL segment is missing (${WAL_HEAD} names it as the newest); its records are lost`
      : `WAL segment is missing (${WAL_HEAD} names ${walSegmentName(head)} as the newest)`;
    state.damage = { seq: expected, error: new StorageDamage(missing, null, what) };
  }
  return state;
}

/**
 * Recovery from `state.damage` (serve --recover): keeps the log up to the damage and moves
 * what it discards into `aside` (a copy of the damaged segment as it was, and every later
 * segment).
 */
export async function setAsideDamage(
  dataDir: string,
  state: WalState,
  aside: string,
): Promise<void> {
  const { seq, error } = state.damage!;
  const damaged = join(dataDir, walSegmentName(seq));
  if (state.segments.includes(seq)) {
    await Deno.copyFile(damaged, join(aside, walSegmentName(seq)));
    await syncFile(join(aside, walSegmentName(seq))); // the evidence is safe before the cut
    await Deno.truncate(damaged, error.offset ?? 0);
  }
  for (const later of state.segments.filter((s) => s > seq)) {
    await Deno.rename(join(dataDir, walSegmentName(later)), join(aside, walSegmentName(later)));
  }
  await syncDir(aside);
  await syncDir(dataDir);
}
