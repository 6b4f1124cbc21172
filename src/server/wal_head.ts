import { join } from "node:path";
import { crc32 } from "./crc32.ts";
import { syncDir, writeDurable } from "./durable_file.ts";
import { StorageDamage } from "./storage_damage.ts";

/**
 * Names the newest WAL segment (etcd and PostgreSQL keep such a control file): segments are
 * checked to run without a gap from a snapshot's first one, but only this file tells a start
 * that the newest one, and the acknowledged records in it, is gone. Rewritten (durably, before
 * any record goes into the new segment) only when the WAL rolls over to a new segment, at a
 * checkpoint, so it costs inserts nothing.
 */
export const WAL_HEAD = "WAL_HEAD";

const LINE = /^(wal-head (\d{1,15})) crc32=([0-9a-f]{8})\n$/;

/** The newest segment's number; null when there is no WAL_HEAD. Damage throws StorageDamage. */
export async function readWalHead(dataDir: string): Promise<number | null> {
  const path = join(dataDir, WAL_HEAD);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const match = LINE.exec(text);
  if (match === null) {
    throw new StorageDamage(path, 0, `not a WAL head line: ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (crc32(new TextEncoder().encode(match[1])) !== parseInt(match[3], 16)) {
    throw new StorageDamage(path, 0, "WAL head checksum mismatch");
  }
  return Number(match[2]);
}

/** Durably records `seq` as the newest segment (whose directory entry must be synced first). */
export async function writeWalHead(dataDir: string, seq: number): Promise<void> {
  const line = `wal-head ${seq}`;
  const crc = crc32(new TextEncoder().encode(line)).toString(16).padStart(8, "0");
  const tmp = join(dataDir, `${WAL_HEAD}.tmp`);
  await writeDurable(tmp, new TextEncoder().encode(`${line} crc32=${crc}\n`));
  await Deno.rename(tmp, join(dataDir, WAL_HEAD));
  await syncDir(dataDir);
}
