import { join } from "node:path";
import { openRunStore } from "../io/open_run_store.ts";
import { RunStoreError } from "../io/run_store.ts";
import { renderTerminalSummary } from "../report/terminal.ts";
import { writeReports } from "../report/write_reports.ts";
import { exitCodeFor, suiteOf } from "../run/run_suite.ts";
import { checkShardSet, mergeShards } from "../shard/merge_shards.ts";
import { readRunParts } from "../shard/read_parts.ts";
import { RunPartError } from "../shard/run_manifest.ts";
import type { Command } from "./command.ts";
import { parseFlags } from "./parse_flags.ts";
import { checkReportFolder } from "./report_folder.ts";
import { UsageError } from "../usage/usage_error.ts";

const HELP = `akibench merge: merge the shards of a sharded run into one run and its reports

Usage: akibench merge SHARD_RESULT… --out DIR [--force]

Each SHARD_RESULT is a <scenario>.shard-I-of-N.json or <scenario>.finish.json (a file or an
s3://BUCKET/KEY), or the run's store (a folder or s3://BUCKET/PREFIX) whose shard and finish
results are all read. The shards must be 0..N-1 of one run: the same scenario, seed, scenario
hash and dataset; anything else is refused.

The merged run is what one process would have measured: HDR histograms added exactly (its
percentiles are those of all samples), per-second series summed by wall-clock second, errors and
drops summed, recall and integrity from the finish (every shard's searches and writes pooled),
each shard's clock offset and resource series kept. The scenario's criteria are judged on the
merged run. Writes <scenario>.json/.md/.html, suite.json, summary.md, index.html and junit.xml.

Options:
  --out DIR   report folder (required); refused if it holds files
  --force     write into an --out folder that already holds files

Exit codes: as 'run': 0 all criteria passed, 1 a criterion failed, 2 usage error or mismatched
inputs, 3 run invalid (a shard's generator saturated).`;

/** `merge`'s flags: SHARD_RESULT… positionals, --out and --force. */
export function parseMergeFlags(args: string[]) {
  const { values, positionals } = parseFlags(args, {
    out: { type: "string" },
    force: { type: "boolean" },
  }, true);
  if (positionals.length === 0) throw new UsageError("name the shard results to merge", true);
  if (values.out === undefined) throw new UsageError("--out DIR is required", true);
  return { out: values.out, force: values.force ?? false, places: positionals };
}

export const mergeCommand: Command = {
  name: "merge",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { out, force, places } = parseMergeFlags(args);
    await checkReportFolder(out, force);
    const start = new Date().toISOString();
    let run;
    try {
      const parts = await readRunParts(places, openRunStore);
      checkShardSet(parts.shards, parts.finish);
      run = await mergeShards(parts.shards.map((s) => s.file), parts.finish?.file ?? null);
    } catch (err) {
      if (err instanceof RunPartError || err instanceof RunStoreError) {
        throw new UsageError(err.message);
      }
      throw err;
    }
    const color = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
    console.log(renderTerminalSummary(run, { color }));
    const suite = suiteOf([run], start, run.profile, false);
    await writeReports(out, suite, [run]);
    console.log(`Open ${join(out, "index.html")} (all reports are in ${out})`);
    return exitCodeFor(suite.status);
  },
};
