import { basename, dirname } from "node:path";
import type { RunStore } from "../io/run_store.ts";
import { RunPartError } from "./run_manifest.ts";
import { type FinishFile, SHARD_FILE_NAME, type ShardFile } from "./shard_file.ts";

/** The shard results and the finish found in the places `merge` or the finish was given. */
export interface RunParts {
  shards: { name: string; file: ShardFile }[];
  finish?: { name: string; file: FinishFile };
}

async function readJson(store: RunStore, name: string): Promise<unknown> {
  const where = `${store.location}/${name}`;
  const text = await store.read(name);
  if (text === null) throw new RunPartError(`${where}: not found`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RunPartError(`${where}: not JSON (${(err as Error).message})`);
  }
}

/**
 * Reads shard results and finish files: a place ending in .json is one file, any other is a
 * folder (or S3 prefix) whose <scenario>.shard-I-of-N.json and <scenario>.finish.json files
 * are read (only `scenarioId`'s, when given). A file of another kind is refused.
 */
export async function readRunParts(
  places: string[],
  open: (location: string) => RunStore,
  scenarioId?: string,
): Promise<RunParts> {
  const parts: RunParts = { shards: [] };
  const add = async (store: RunStore, name: string) => {
    const where = `${store.location}/${name}`;
    const json = await readJson(store, name) as { kind?: unknown };
    if (json?.kind === "akibench-shard") {
      parts.shards.push({ name: where, file: json as ShardFile });
    } else if (json?.kind === "akibench-finish") {
      if (parts.finish) {
        throw new RunPartError(`${where} and ${parts.finish.name} are both finish results`);
      }
      parts.finish = { name: where, file: json as FinishFile };
    } else {
      throw new RunPartError(`${where}: neither a shard result nor a finish result`);
    }
  };
  for (const place of places) {
    if (place.endsWith(".json")) {
      await add(open(dirname(place)), basename(place));
      continue;
    }
    const store = open(place);
    const ours = (id: string) => scenarioId === undefined || id === scenarioId;
    for (const name of await store.list()) {
      const shard = SHARD_FILE_NAME.exec(name);
      const finish = /^(.+)\.finish\.json$/.exec(name);
      if ((shard && ours(shard[1])) || (finish && ours(finish[1]))) await add(store, name);
    }
  }
  return parts;
}
