import { dirname, join } from "node:path";
import type { Command } from "./command.ts";
import { parseFlags } from "./parse_flags.ts";
import { UsageError } from "../usage/usage_error.ts";
import { makeOutputFolder } from "./output_path.ts";
import type { RunResult, SuiteResult } from "../result/run_result.ts";
import { writeTextFileAtomic } from "../io/atomic_write.ts";
import { renderHtml, renderSuiteHtml } from "../report/html.ts";
import { renderJsonLines } from "../report/jsonl.ts";
import { renderJUnit } from "../report/junit.ts";
import { renderMarkdown, renderSuiteMarkdown } from "../report/markdown.ts";
import { renderOpenMetrics } from "../report/openmetrics.ts";
import { commonFolder, readAcross } from "../report/read_across.ts";
import { readRuns } from "../report/read_runs.ts";
import { writeAcrossReports } from "../report/write_across.ts";
import { renderTerminalSummary } from "../report/terminal.ts";

const FORMATS = ["html", "md", "junit", "json", "openmetrics", "jsonl", "terminal"] as const;
type Format = (typeof FORMATS)[number];

const HELP = `akibench report: re-render the reports of a run or a suite run

Usage: akibench report RUN.json|RUN.html|suite.json|DIR [--format html,md,junit] [--out DIR]
       akibench report --across DIR DIR… [--out DIR]

Reads RunResults (a RunResult JSON, a report HTML that embeds one, a suite.json or a suite
directory, or one shard's <scenario>.shard-I-of-N.json with its Shards row) and writes, into --out (default: the input's directory):
  html         <scenario>.html per run (+ index.html for a suite)
  md           <scenario>.md per run (+ summary.md for a suite)
  junit        junit.xml (one testsuite per scenario, one testcase per criterion)
  json         <scenario>.json per run
  openmetrics  series.openmetrics: per-second series, timestamped, for Prometheus/Grafana
  jsonl        series.jsonl: one JSON object per scenario and second
  terminal     prints the plain-text summary of each run (no file)
Default formats: html,md,junit. Prints the written paths.

--across sets the runs of several targets side by side: comparison.html and comparison.md, as a
multi-target 'run' writes them. Each DIR (or suite.json, RunResult JSON, report HTML) holds one
target's runs; a multi-target run's folder stands for the per-target folders its targets.json
lists, in the run's order and under its labels, so
  akibench report --across reports/<ts>
redraws a multi-target run's comparison. Other inputs are labelled by the target name in their
runs (by folder name where two inputs share one). --out defaults to the folder the inputs share.`;

function parseFormats(text: string): Format[] {
  const list = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const f of list) {
    if (!FORMATS.includes(f as Format)) {
      throw new UsageError(`--format: unknown format '${f}' (choose from ${FORMATS.join(", ")})`);
    }
  }
  if (list.length === 0) throw new UsageError("--format: no format given");
  return list as Format[];
}

function outputs(format: Format, suite: SuiteResult | null, runs: RunResult[]): [string, string][] {
  switch (format) {
    case "html":
      return [
        ...runs.map((r): [string, string] => [`${r.scenario_id}.html`, renderHtml(r)]),
        ...(suite ? [["index.html", renderSuiteHtml(suite, runs)] as [string, string]] : []),
      ];
    case "md":
      return [
        ...runs.map((r): [string, string] => [`${r.scenario_id}.md`, renderMarkdown(r)]),
        ...(suite ? [["summary.md", renderSuiteMarkdown(suite, runs)] as [string, string]] : []),
      ];
    case "junit":
      return [["junit.xml", renderJUnit(runs)]];
    case "json":
      return runs.map((r) => [`${r.scenario_id}.json`, JSON.stringify(r, null, 2) + "\n"]);
    case "openmetrics":
      return [["series.openmetrics", renderOpenMetrics(runs)]];
    case "jsonl":
      return [["series.jsonl", renderJsonLines(runs)]];
    case "terminal":
      return [];
  }
}

/** `report --across`: the comparison page and table of several targets' saved runs. */
async function reportAcross(inputs: string[], values: { format?: string; out?: string }) {
  if (values.format !== undefined) {
    throw new UsageError(
      "--across writes comparison.html and comparison.md; --format does not apply",
    );
  }
  if (inputs.length === 0) throw new UsageError("--across: name the result folders to compare");
  const targets = await readAcross(inputs);
  const out = values.out ?? await commonFolder(targets);
  await makeOutputFolder(out);
  const { written } = await writeAcrossReports(out, targets);
  for (const path of written) console.log(path);
  return 0;
}

export const reportCommand: Command = {
  name: "report",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseFlags(args, {
      format: { type: "string" },
      out: { type: "string" },
      across: { type: "boolean" },
    }, true);
    if (values.across) return await reportAcross(positionals, values);
    if (positionals.length !== 1) {
      throw new UsageError("expected one input: RUN.json, RUN.html, suite.json or a directory");
    }
    const input = positionals[0];
    const formats = parseFormats(values.format ?? "html,md,junit");
    const { suite, runs } = await readRuns(input);
    const isDir = await Deno.stat(input).then((s) => s.isDirectory);
    const out = values.out ?? (isDir ? input : dirname(input));
    await makeOutputFolder(out);
    const color = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
    for (const format of formats) {
      if (format === "terminal") {
        for (const r of runs) console.log(renderTerminalSummary(r, { color }));
        continue;
      }
      for (const [name, text] of outputs(format, suite, runs)) {
        const path = join(out, name);
        await writeTextFileAtomic(path, text);
        console.log(path);
      }
    }
    return 0;
  },
};
