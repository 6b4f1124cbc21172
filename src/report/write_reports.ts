import { join } from "node:path";
import type { RunResult, SuiteResult } from "../result/run_result.ts";
import { writeTextFileAtomic } from "../io/atomic_write.ts";
import { renderHtml, renderSuiteHtml } from "./html.ts";
import { renderJUnit } from "./junit.ts";
import { renderMarkdown, renderSuiteMarkdown } from "./markdown.ts";

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Writes `text` to dir/name via a temp name and rename; returns the path. */
async function put(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeTextFileAtomic(path, text);
  return path;
}

function checkId(run: RunResult): void {
  if (!SAFE_ID.test(run.scenario_id)) {
    throw new Error(`scenario_id '${run.scenario_id}' cannot be used as a file name`);
  }
}

/**
 * Writes one run's reports into `dir`, <scenario_id>.json/.md/.html, as soon as the scenario
 * ends: a long suite that is stopped or crashes keeps what it finished. Returns the paths.
 */
export async function writeRunReports(dir: string, run: RunResult): Promise<string[]> {
  checkId(run);
  await Deno.mkdir(dir, { recursive: true });
  return [
    await put(dir, `${run.scenario_id}.json`, JSON.stringify(run, null, 2) + "\n"),
    await put(dir, `${run.scenario_id}.md`, renderMarkdown(run)),
    await put(dir, `${run.scenario_id}.html`, renderHtml(run)),
  ];
}

/**
 * Writes the suite's own files into `dir`: suite.json, index.html, summary.md and junit.xml.
 * When GITHUB_STEP_SUMMARY is set and the suite has ended (no `pending` scenarios), appends the
 * suite Markdown to it: the files are rewritten after every scenario, the summary once. Returns
 * the paths.
 */
export async function writeSuiteReports(
  dir: string,
  suite: SuiteResult,
  runs: RunResult[],
): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const summary = renderSuiteMarkdown(suite, runs);
  const written = [
    await put(dir, "suite.json", JSON.stringify(suite, null, 2) + "\n"),
    await put(dir, "index.html", renderSuiteHtml(suite, runs)),
    await put(dir, "summary.md", summary),
    await put(dir, "junit.xml", renderJUnit(runs)),
  ];
  const stepSummary = Deno.env.get("GITHUB_STEP_SUMMARY");
  if (stepSummary && suite.pending === undefined) {
    await Deno.writeTextFile(stepSummary, summary + "\n", { append: true });
  }
  return written;
}

/** Writes every report of a suite run into `dir` (each run's, then the suite's); returns the paths. */
export async function writeReports(
  dir: string,
  suite: SuiteResult,
  runs: RunResult[],
): Promise<string[]> {
  runs.forEach(checkId);
  const written: string[] = [];
  for (const run of runs) written.push(...await writeRunReports(dir, run));
  written.push(...await writeSuiteReports(dir, suite, runs));
  return written;
}
