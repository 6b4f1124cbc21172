import { dirname } from "node:path";
import { UsageError } from "../usage/usage_error.ts";

/** Throws unless `path` can be written as a file: its folder exists and it is not a folder. */
export async function checkOutputFile(path: string): Promise<void> {
  const dir = dirname(path);
  const folder = await Deno.stat(dir).catch(() => null);
  if (!folder?.isDirectory) throw new UsageError(`--out ${path}: folder ${dir} does not exist`);
  const target = await Deno.stat(path).catch(() => null);
  if (target?.isDirectory) throw new UsageError(`--out ${path}: is a folder, not a file`);
}

/**
 * Creates the report folder `dir` (and its parents), or throws a UsageError naming it and why
 * (a parent that is a file, no permission) instead of the file system's stack trace.
 */
export async function makeOutputFolder(dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    const why = err instanceof Deno.errors.AlreadyExists
      ? "exists and is not a folder"
      : err.message.replace(/ \(os error \d+\).*$/, "").toLowerCase();
    throw new UsageError(`--out ${dir}: cannot create the folder (${why})`);
  }
}
