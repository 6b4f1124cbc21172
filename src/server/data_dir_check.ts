import { join } from "node:path";
import { checkSnapshot, readCurrent } from "./snapshot.ts";
import { olderGenerations, requiredWalHead } from "./start_state.ts";
import { StorageDamage } from "./storage_damage.ts";
import { storageFormat } from "./storage_format.ts";
import { readTierStates } from "./tiering/tier_state_file.ts";
import { walSegmentName } from "./wal.ts";
import { readWalState, type WalState } from "./wal_recovery.ts";

/** What an offline check of a data dir found (see checkDataDir). */
export interface DataDirReport {
  /** Every damaged file: the server refuses to start on any of them. */
  damage: StorageDamage[];
  /** Findings that are not damage (an unfinished final WAL write, cut on the next start). */
  notes: string[];
  /**
   * The snapshot generation a start uses and the one `serve --recover` falls back to should
   * that be damaged, each good or damaged.
   */
  generations: string[];
  /** WAL records that replay would apply. */
  records: number;
}

/**
 * Checks a data dir the way the server's start does, changing nothing, and goes on past the
 * first damage: the storage format, WAL_HEAD, CURRENT, every file of the current and of the
 * previous snapshot generation (its snapshot and the WAL from it on), the tier state file.
 */
export async function checkDataDir(dataDir: string): Promise<DataDirReport> {
  const report: DataDirReport = { damage: [], notes: [], generations: [], records: 0 };
  // Both generations read the newest segments: one line per damaged place, not per reader.
  const place = (d: StorageDamage) => `${d.file}\u0000${d.offset}`;
  const found = (damage: StorageDamage[]) => {
    const known = new Set(report.damage.map(place));
    report.damage.push(...damage.filter((d) => !known.has(place(d))));
  };
  const caught = (error: unknown) => {
    if (!(error instanceof StorageDamage)) throw error;
    found([error]);
  };
  let format;
  try {
    format = await storageFormat(dataDir);
  } catch (error) {
    caught(error);
    return report; // another format: its files mean something else
  }
  let head: number | null = null;
  if (format === "current") head = await requiredWalHead(dataDir).catch((e) => (caught(e), null));
  let current: number | null = null;
  let currentReadable = true;
  try {
    current = await readCurrent(dataDir);
  } catch (error) {
    caught(error);
    currentReadable = false;
  }
  const check = async (seq: number | null, role: "current" | "previous") => {
    const damage = seq === null ? [] : await checkSnapshot(dataDir, seq, role);
    const wal = await readWalState(dataDir, seq ?? 0, format !== "fresh" || seq !== null, head);
    if (wal.damage !== null) damage.push(wal.damage.error);
    found(damage);
    const what = seq === null ? "the empty state" : `snapshot ${seq}`;
    report.generations.push(
      `${role}: ${what} + WAL from ${walSegmentName(seq ?? 0)} on: ` +
        (damage.length === 0
          ? `good, ${wal.records.length} WAL records`
          : `damaged (${damage[0].message})`),
    );
    return wal;
  };
  if (currentReadable) {
    const wal = await check(current, "current");
    report.records = wal.records.length;
    noteTorn(dataDir, wal, report);
  }
  if (current !== null || !currentReadable) {
    const previous = await olderGenerations(dataDir, current);
    if (previous.length > 0) {
      await check(previous[0], "previous");
    } else {
      report.generations.push(
        "previous: none kept (serve --recover cannot go back past the current snapshot)",
      );
    }
  }
  try {
    readTierStates(join(dataDir, "tiers"));
  } catch (error) {
    caught(error);
  }
  return report;
}

function noteTorn(dataDir: string, wal: WalState, report: DataDirReport): void {
  if (wal.torn === null) return;
  const path = join(dataDir, walSegmentName(wal.torn.seq));
  report.notes.push(
    `${path}: at byte ${wal.torn.offset}: unfinished final write (${wal.torn.bytes} bytes, ` +
      "never acknowledged); the next start cuts it",
  );
}
