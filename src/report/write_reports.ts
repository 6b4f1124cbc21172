import { join } from "node:path";
import type { RunResult, SuiteResult } from "../result/run_result.ts";
import { writeTextFileAtomic } from "../io/atomic_write.ts";
import { renderHtml, renderSuiteHtml } from "./html.ts";
import { renderJUnit } from "./junit.ts";
import { renderMarkdown, renderSuiteMarkdown } from "./markdown.ts";

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Writes every report of a suite run into `dir`: <scenario_id>.json/.md/.html per run, then
 * suite.json, index.html, summary.md and junit.xml, each via a temp name and rename. When
 * GITHUB_STEP_SUMMARY is set, appends the suite Markdown to it. Returns the written paths.
 */
export async function writeReports(
  dir: string,
  suite: SuiteResult,
  runs: RunResult[],
): Promise<string[]> {
  for (const run of runs) {
    if (!SAFE_ID.test(run.scenario_id)) {
      throw new Error(`scenario_id '${run.scenario_id}' cannot be used as a file name`);
    }
  }
  await Deno.mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeTextFileAtomic(path, text);
    written.push(path);
  };
  for (const run of runs) {
    await put(`${run.scenario_id}.json`, JSON.stringify(run, null, 2) + "\n");
    await put(`${run.scenario_id}.md`, renderMarkdown(run));
    await put(`${run.scenario_id}.html`, renderHtml(run));
  }
  const summary = renderSuiteMarkdown(suite, runs);
  await put("suite.json", JSON.stringify(suite, null, 2) + "\n");
  await put("index.html", renderSuiteHtml(suite, runs));
  await put("summary.md", summary);
  await put("junit.xml", renderJUnit(runs));
  const stepSummary = Deno.env.get("GITHUB_STEP_SUMMARY");
  if (stepSummary) await Deno.writeTextFile(stepSummary, summary + "\n", { append: true });
  return written;
}
