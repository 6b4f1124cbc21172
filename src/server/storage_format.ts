import { join } from "node:path";
import { syncDir, writeDurable } from "./durable_file.ts";
import { StorageDamage } from "./storage_damage.ts";
import { listWalSegments, walSegmentName } from "./wal.ts";

const NAME = "FORMAT";
const FORMAT = "akidb-storage 3\n";
/** Format 2 is format 3 without WAL_HEAD; a clean start upgrades it (Store writes both). */
const FORMAT_2 = "akidb-storage 2\n";

/**
 * Which storage format `dataDir` holds: "fresh" (nothing written yet), "current", or "2" (read
 * as current but with no WAL_HEAD, upgraded by a clean start); anything else throws
 * StorageDamage.
 *
 * Upgrade path: a data dir of the older format (no FORMAT file; WAL frames and snapshot files
 * without the checksums this format relies on) is refused with one line, not read: reading it
 * would bring back exactly the silent damage the checksums exist to catch, and the reference
 * server's data dirs are load-test scratch that a new run recreates.
 */
export async function storageFormat(dataDir: string): Promise<"fresh" | "current" | "2"> {
  const path = join(dataDir, NAME);
  try {
    const text = await Deno.readTextFile(path);
    if (text === FORMAT) return "current";
    if (text === FORMAT_2) return "2";
    const found = JSON.stringify(text.slice(0, 40));
    throw new StorageDamage(
      path,
      0,
      `unknown storage format ${found}, expected "${FORMAT.trim()}"`,
    );
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (await writtenBefore(dataDir)) {
    throw new StorageDamage(
      dataDir,
      null,
      `has no ${NAME} file: written by an older akibench (storage without checksums), which ` +
        "this version does not read; start it with a new --data-dir",
    );
  }
  return "fresh";
}

/**
 * Marks `dataDir` as this format, durably: a fresh one whose first WAL segment exists, or one
 * of format 2 once WAL_HEAD is written.
 */
export async function writeStorageFormat(dataDir: string): Promise<void> {
  await syncDir(dataDir); // the first segment's entry before the mark that makes it required
  await writeDurable(join(dataDir, `${NAME}.tmp`), new TextEncoder().encode(FORMAT));
  await Deno.rename(join(dataDir, `${NAME}.tmp`), join(dataDir, NAME));
  await syncDir(dataDir);
}

/**
 * True when `dataDir` holds a snapshot or a logged record. Empty WAL segments do not count: a
 * crash between creating the first segment and writing FORMAT leaves one, and nothing can have
 * been acknowledged before FORMAT exists (the server listens only after).
 */
async function writtenBefore(dataDir: string): Promise<boolean> {
  const exists = (name: string) => Deno.stat(join(dataDir, name)).then(() => true, () => false);
  if (await exists("CURRENT") || await exists("snapshots")) return true;
  for (const seq of await listWalSegments(dataDir)) {
    if ((await Deno.stat(join(dataDir, walSegmentName(seq)))).size > 0) return true;
  }
  return false;
}
