import { join } from "node:path";

/** The Chroma server akibench runs: the npm CLI package and its prebuilt Linux bindings. */
export const CHROMA_VERSION = "3.5.0";
/** Newer bindings need glibc 2.38; 1.0.5 runs on older systems too. */
export const CHROMA_BINDINGS_VERSION = "1.0.5";

/**
 * Installs chromadb 3.5.0 with its Linux bindings pinned to 1.0.5 (through npm overrides) into
 * a cache directory with npm, once, and returns the path of its CLI entry (`chroma run …`). The
 * install goes to a fresh folder renamed into place, so concurrent first runs never see a
 * half-installed cache.
 */
export async function installChroma(): Promise<string> {
  const cache = Deno.env.get("AKIBENCH_CACHE_DIR") ?? Deno.env.get("TMPDIR") ?? "/tmp";
  const dir = join(cache, `akibench-chroma-${CHROMA_VERSION}-${CHROMA_BINDINGS_VERSION}`);
  const cli = (d: string) => join(d, "node_modules/chromadb/dist/cli.mjs");
  if (await exists(cli(dir))) return cli(dir);
  await Deno.mkdir(cache, { recursive: true });
  const work = await Deno.makeTempDir({ dir: cache, prefix: "akibench-chroma-install-" });
  try {
    await Deno.writeTextFile(
      join(work, "package.json"),
      JSON.stringify({
        name: "akibench-chroma-peer",
        private: true,
        dependencies: {
          chromadb: CHROMA_VERSION,
          "chromadb-js-bindings-linux-x64-gnu": CHROMA_BINDINGS_VERSION,
        },
        overrides: { "chromadb-js-bindings-linux-x64-gnu": CHROMA_BINDINGS_VERSION },
      }),
    );
    let npm;
    try {
      npm = await new Deno.Command("npm", {
        args: ["install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd: work,
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).output();
    } catch (err) {
      throw new Error(`cannot run npm to install chromadb ${CHROMA_VERSION}: ${err}`);
    }
    if (!npm.success) {
      const why = new TextDecoder().decode(npm.stderr).trim().split("\n").slice(-2).join(" | ");
      throw new Error(`npm install of chromadb ${CHROMA_VERSION} in ${work} failed: ${why}`);
    }
    try {
      await Deno.rename(work, dir);
    } catch (err) {
      // Another process finished its install first: use that one.
      if (!(await exists(cli(dir)))) throw err;
    }
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
  return cli(dir);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
