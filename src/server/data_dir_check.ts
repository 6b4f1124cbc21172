import { join } from "node:path";
import { checkSnapshot } from "./snapshot.ts";
import { StorageDamage } from "./storage_damage.ts";
import { storageFormat } from "./storage_format.ts";
import { readTierStates } from "./tiering/tier_state_file.ts";
import { listWalSegments, walSegmentName } from "./wal.ts";
import { readWalState } from "./wal_recovery.ts";

/** What an offline check of a data dir found (see checkDataDir). */
export interface DataDirReport {
  /** Every damaged file: the server refuses to start on any of them. */
  damage: StorageDamage[];
  /** Findings that are not damage (an unfinished final WAL write, cut on the next start). */
  notes: string[];
  /** WAL records that replay would apply. */
  records: number;
}

/**
 * Checks a data dir the way the server's start does, changing nothing, and goes on past the
 * first damage: the storage format, every snapshot file, the WAL and the tier state file.
 */
export async function checkDataDir(dataDir: string): Promise<DataDirReport> {
  const report: DataDirReport = { damage: [], notes: [], records: 0 };
  let format;
  try {
    format = await storageFormat(dataDir);
  } catch (error) {
    if (!(error instanceof StorageDamage)) throw error;
    report.damage.push(error);
    return report; // another format: its files mean something else
  }
  const snapshot = await checkSnapshot(dataDir);
  report.damage.push(...snapshot.damage);
  const fromSeq = snapshot.seq ?? (await listWalSegments(dataDir))[0] ?? 0;
  // With CURRENT damaged, where the log must start is unknown: check what is there.
  const firstRequired = snapshot.seq !== null ||
    (format === "current" && snapshot.damage.length === 0);
  const wal = await readWalState(dataDir, fromSeq, firstRequired);
  report.records = wal.records.length;
  if (wal.damage !== null) report.damage.push(wal.damage.error);
  if (wal.torn !== null) {
    const path = join(dataDir, walSegmentName(wal.torn.seq));
    report.notes.push(
      `${path}: at byte ${wal.torn.offset}: unfinished final write (${wal.torn.bytes} bytes, ` +
        "never acknowledged); the next start cuts it",
    );
  }
  try {
    readTierStates(join(dataDir, "tiers"));
  } catch (error) {
    if (!(error instanceof StorageDamage)) throw error;
    report.damage.push(error);
  }
  return report;
}
