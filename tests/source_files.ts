import { join } from "node:path";

/** Every .ts file under `dir`, recursively, with its text (for tests that read the source). */
export async function* sourceFiles(dir: string): AsyncGenerator<{ path: string; text: string }> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield { path, text: await Deno.readTextFile(path) };
  }
}
