import { join } from "node:path";
import type { Collection } from "./collection.ts";
import { syncDir } from "./durable_file.ts";
import {
  olderSnapshots,
  readCurrent,
  readSnapshot,
  snapshotDir,
  writeCurrent,
} from "./snapshot.ts";
import { StorageDamage } from "./storage_damage.ts";
import { storageFormat } from "./storage_format.ts";
import { walSegmentName } from "./wal.ts";
import { readWalHead, WAL_HEAD } from "./wal_head.ts";
import { readWalState, setAsideDamage, type WalState } from "./wal_recovery.ts";

/**
 * Where a start begins, read and checked with nothing on disk changed: a snapshot generation
 * (a snapshot, or the empty state before the first one, and the WAL from its first segment on)
 * and the damage `recover` starts past.
 */
export interface StartState {
  format: "fresh" | "current" | "2";
  /** The snapshot replay starts from; null: the empty state, the log from segment 0 on. */
  snapshotSeq: number | null;
  collections: Collection[];
  wal: WalState;
  /** What CURRENT names, when readable. */
  current: number | null;
  /** Damage to CURRENT or its snapshot: the start went back to an older generation. */
  snapshotDamage: StorageDamage | null;
  /** Damage to WAL_HEAD: the start could not tell whether the newest segment is missing. */
  headDamage: StorageDamage | null;
}

/**
 * Reads the data dir as a start needs it. Damage throws StorageDamage; with `recover`, damage
 * to the newest snapshot (or CURRENT) falls back to the previous generation, which
 * Store.checkpoint keeps with its WAL for this, and WAL damage is left in `wal.damage`.
 */
export async function readStartState(dataDir: string, recover: boolean): Promise<StartState> {
  const recoverable = (error: unknown): StorageDamage => {
    if (!(error instanceof StorageDamage) || !recover) throw error;
    return error;
  };
  const format = await storageFormat(dataDir);
  let head: number | null = null;
  let headDamage: StorageDamage | null = null;
  try {
    if (format === "current") head = await requiredWalHead(dataDir);
  } catch (error) {
    headDamage = recoverable(error);
  }
  let current: number | null = null;
  let snapshotSeq: number | null = null;
  let collections: Collection[] = [];
  let snapshotDamage: StorageDamage | null = null;
  try {
    current = await readCurrent(dataDir);
    if (current !== null) collections = await readSnapshot(dataDir, current, "current");
    snapshotSeq = current;
  } catch (error) {
    snapshotDamage = recoverable(error);
    ({ snapshotSeq, collections } = await olderGeneration(dataDir, current, snapshotDamage));
  }
  const fromSeq = snapshotSeq ?? 0;
  const firstRequired = format !== "fresh" || snapshotSeq !== null;
  const wal = await readWalState(dataDir, fromSeq, firstRequired, head);
  if (wal.damage !== null && !recover) throw wal.damage.error;
  return { format, snapshotSeq, collections, wal, current, snapshotDamage, headDamage };
}

/**
 * The generation before `current` whose snapshot loads and whose first WAL segment exists:
 * the newest older snapshot, else the empty state when segment 0 is still there. Throws
 * `damage` (the current snapshot's) when there is none.
 */
async function olderGeneration(
  dataDir: string,
  current: number | null,
  damage: StorageDamage,
): Promise<{ snapshotSeq: number | null; collections: Collection[] }> {
  for (const seq of await olderGenerations(dataDir, current)) {
    if (seq === null) return { snapshotSeq: null, collections: [] };
    try {
      return { snapshotSeq: seq, collections: await readSnapshot(dataDir, seq, "previous") };
    } catch (error) {
      if (!(error instanceof StorageDamage)) throw error;
    }
  }
  throw new StorageDamage(
    damage.file,
    damage.offset,
    `${damage.what}; no older snapshot generation with its WAL is kept to recover from`,
  );
}

/**
 * The generations older than snapshot `current` (null: CURRENT unreadable) that have their
 * first WAL segment, newest first: older snapshots, then null for the empty state when
 * segment 0 is still there.
 */
export async function olderGenerations(
  dataDir: string,
  current: number | null,
): Promise<(number | null)[]> {
  const exists = (seq: number) =>
    Deno.stat(join(dataDir, walSegmentName(seq))).then(() => true, () => false);
  const found: (number | null)[] = [];
  for (const seq of await olderSnapshots(dataDir, current ?? Infinity)) {
    if (await exists(seq)) found.push(seq);
  }
  if (await exists(0)) found.push(null);
  return found;
}

/** WAL_HEAD's segment; a data dir of this format without one is damaged. */
export async function requiredWalHead(dataDir: string): Promise<number> {
  const head = await readWalHead(dataDir);
  if (head !== null) return head;
  throw new StorageDamage(
    join(dataDir, WAL_HEAD),
    null,
    "missing (it names the newest WAL segment, so a lost one is seen)",
  );
}

/**
 * Recovery (serve --recover): moves what the start discards into dataDir/recovered-TIMESTAMP
 * (copies of WAL_HEAD and CURRENT as they were, the damaged snapshot, the discarded WAL) and
 * points CURRENT at the generation the start uses. Returns that directory; null when there
 * was nothing to recover from.
 */
export async function setAsideRecovered(
  dataDir: string,
  state: StartState,
): Promise<string | null> {
  if (state.snapshotDamage === null && state.headDamage === null && state.wal.damage === null) {
    return null;
  }
  const aside = join(dataDir, `recovered-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  await Deno.mkdir(aside);
  for (const name of [WAL_HEAD, "CURRENT"]) {
    await Deno.copyFile(join(dataDir, name), join(aside, name)).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }
  if (state.snapshotDamage !== null) {
    if (state.current !== null && state.current !== state.snapshotSeq) {
      await Deno.rename(
        snapshotDir(dataDir, state.current),
        join(aside, `snapshot-${state.current}`),
      )
        .catch((error) => {
          if (!(error instanceof Deno.errors.NotFound)) throw error;
        });
    }
    await syncDir(aside);
    await writeCurrent(dataDir, state.snapshotSeq);
  }
  if (state.wal.damage !== null) await setAsideDamage(dataDir, state.wal, aside);
  await syncDir(aside);
  await syncDir(dataDir);
  return aside;
}
