import { join } from "node:path";
import { syncDir, writeDurable } from "../durable_file.ts";
import { StorageDamage } from "../storage_damage.ts";

/** What survives a restart of one collection's tier (where its bytes are follows from it). */
export interface SavedTier {
  tier: "hot" | "warm" | "cold";
  pinned: boolean;
  image_bytes: number;
}

const NAME = "state.json";

/** Reads dir/state.json; empty when there is none yet. */
export function readTierStates(dir: string): Record<string, SavedTier> {
  try {
    return JSON.parse(Deno.readTextFileSync(join(dir, NAME))).collections;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new StorageDamage(join(dir, NAME), null, `unreadable tier state: ${error}`);
  }
}

/** Replaces dir/state.json atomically (temp file, fdatasync, rename, directory fsync). */
export async function writeTierStates(
  dir: string,
  collections: Record<string, SavedTier>,
): Promise<void> {
  const tmp = join(dir, `${NAME}.tmp`);
  await writeDurable(tmp, new TextEncoder().encode(JSON.stringify({ collections })));
  await Deno.rename(tmp, join(dir, NAME));
  await syncDir(dir);
}
