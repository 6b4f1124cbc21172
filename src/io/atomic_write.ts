/**
 * Runs `write(tmp)` on a temporary name beside `path`, then renames it to `path`; on failure the
 * temporary file is removed, so `path` never holds partial output.
 */
export async function writeAtomically(
  path: string,
  write: (tmp: string) => Promise<void>,
): Promise<void> {
  const tmp = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await write(tmp);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/** Writes `text` to `path` atomically (see {@link writeAtomically}). */
export function writeTextFileAtomic(path: string, text: string): Promise<void> {
  return writeAtomically(path, (tmp) => Deno.writeTextFile(tmp, text));
}
