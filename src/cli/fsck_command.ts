import type { Command } from "./command.ts";
import { parseFlags } from "./parse_flags.ts";
import { UsageError } from "../usage/usage_error.ts";
import { checkDataDir } from "../server/data_dir_check.ts";

const HELP = `akibench fsck: check a reference server data directory offline

Usage: akibench fsck --data-dir DIR

Checks what 'akibench serve' checks on start, without starting it and without changing
anything: the storage format, every snapshot file against the checksums in its manifest,
CURRENT, every WAL record's checksums and that no WAL segment is missing (WAL_HEAD names the
newest), and the tier state; for both snapshot generations kept (the current one and the
previous one 'serve --recover' falls back to). Prints one line per problem (file, byte
offset, what is wrong), one per generation (good or damaged), then a summary line.

Exit codes: 0 clean (an unfinished final WAL write, cut on the next start, is not damage),
1 damaged, 2 usage error (no such directory).`;

export const fsckCommand: Command = {
  name: "fsck",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags(args, { "data-dir": { type: "string" } }, false);
    const dataDir = values["data-dir"];
    if (dataDir === undefined) throw new UsageError("--data-dir is required", true);
    const isDir = await Deno.stat(dataDir).then((s) => s.isDirectory, () => false);
    if (!isDir) throw new UsageError(`--data-dir ${dataDir}: no such directory`);
    const report = await checkDataDir(dataDir);
    for (const damage of report.damage) console.log(`damaged: ${damage.message}`);
    for (const note of report.notes) console.log(`note: ${note}`);
    for (const generation of report.generations) console.log(`generation ${generation}`);
    const summary = report.damage.length === 0
      ? "clean"
      : `${report.damage.length} damaged file${report.damage.length === 1 ? "" : "s"}`;
    console.log(`${dataDir}: ${summary}, ${report.records} WAL records replayable`);
    return report.damage.length === 0 ? 0 : 1;
  },
};
