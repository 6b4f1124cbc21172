import { join } from "node:path";
import { writeTextFileAtomic } from "./atomic_write.ts";

/**
 * Where the parts of a sharded run meet (its manifest, each shard's result, the finish): a
 * local folder, or an S3 prefix (s3_run_store.ts), since pods do not share disks.
 */
export interface RunStore {
  /** As the user wrote it, for messages. */
  readonly location: string;
  /** The text of `name`, or null when it does not exist. */
  read(name: string): Promise<string | null>;
  /** Writes `name` whole (never half-written). */
  write(name: string, text: string): Promise<void>;
  /** Names of the files directly in the store. */
  list(): Promise<string[]>;
}

/**
 * A store that cannot be named or reached (a malformed s3:// location, a failing S3 call): one
 * line naming the object. The command line reports it as a usage error (exit 2).
 */
export class RunStoreError extends Error {}

/** A local folder as a RunStore (created on first write). */
export function folderStore(dir: string): RunStore {
  return {
    location: dir,
    async read(name) {
      try {
        return await Deno.readTextFile(join(dir, name));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return null;
        throw err;
      }
    },
    async write(name, text) {
      await Deno.mkdir(dir, { recursive: true });
      await writeTextFileAtomic(join(dir, name), text);
    },
    async list() {
      const names: string[] = [];
      try {
        for await (const e of Deno.readDir(dir)) if (e.isFile) names.push(e.name);
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
      return names.sort();
    },
  };
}
