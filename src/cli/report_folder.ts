import { UsageError } from "../usage/usage_error.ts";

/**
 * Refuses to write a run's reports into a folder that already holds files, unless `force`:
 * reports of an earlier run would otherwise be mixed with or silently replaced by this one's.
 * An absent or empty folder is fine (a fresh `mktemp -d`, say).
 */
export async function checkReportFolder(dir: string, force: boolean): Promise<void> {
  if (force) return;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw err;
  }
  if (!info.isDirectory) throw new UsageError(`--out ${dir}: exists and is not a folder`);
  for await (const _ of Deno.readDir(dir)) {
    throw new UsageError(
      `--out ${dir}: folder already holds reports (choose another --out, or add --force to overwrite)`,
    );
  }
}
