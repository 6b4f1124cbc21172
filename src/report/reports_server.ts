import { suiteStatus } from "../result/suite_status.ts";
import { Hono } from "hono";
import { extname, join } from "node:path";
import type { RunResult, RunStatus, SuiteResult } from "../result/run_result.ts";
import { compareRuns } from "./compare.ts";
import { renderComparisonHtml } from "./compare_report.ts";
import { renderSuiteHtml, statusBadge } from "./html.ts";
import { htmlPage } from "./html_page.ts";
import { htmlTable } from "./html_tables.ts";
import { escapeMarkup as e } from "./markup_escape.ts";
import { readRuns } from "./read_runs.ts";
import { ACROSS_HTML } from "./write_across.ts";

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".png": "image/png",
  ".jsonl": "application/jsonl; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** A suite record for runs that came without suite.json. */
function suiteOf(runs: RunResult[]): SuiteResult {
  return {
    schema_version: 1,
    start_time: runs.map((r) => r.start_time).sort()[0] ?? "",
    end_time: runs.map((r) => r.end_time).sort().at(-1) ?? "",
    profile: runs[0]?.profile ?? "",
    status: suiteStatus(runs),
    runs: runs.map((r) => ({
      scenario_id: r.scenario_id,
      status: r.status,
      file: `${r.scenario_id}.json`,
    })),
  };
}

interface RunEntry {
  name: string;
  suite: SuiteResult | null;
}

/** Suite-run directories under `dir` (those holding suite.json or RunResult JSON), newest first. */
async function listRuns(dir: string): Promise<RunEntry[]> {
  const out: RunEntry[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isDirectory || !SAFE_NAME.test(entry.name)) continue;
    const sub = join(dir, entry.name);
    const suite = await Deno.readTextFile(join(sub, "suite.json")).then(
      (t) => JSON.parse(t) as SuiteResult,
      () => null,
    );
    let hasJson = suite !== null;
    if (!hasJson) {
      for await (const f of Deno.readDir(sub)) {
        if (f.isFile && f.name.endsWith(".json")) hasJson = true;
      }
    }
    if (hasJson) out.push({ name: entry.name, suite });
  }
  return out.sort((a, b) => b.name.localeCompare(a.name));
}

function indexPage(dir: string, runs: RunEntry[]): string {
  const rows = runs.map((r) => [
    { html: `<a href="/runs/${e(r.name)}/">${e(r.name)}</a>` },
    { html: r.suite ? statusBadge(r.suite.status as RunStatus) : "" },
    r.suite?.profile ?? "",
    r.suite?.start_time ?? "",
    { num: r.suite ? String(r.suite.runs.length) : "" },
    { html: `<a href="/runs/${e(r.name)}/suite.json">suite.json</a>` },
  ]);
  const options = runs.map((r) => `<option value="${e(r.name)}">${e(r.name)}</option>`).join("");
  const body = [
    `<header><h1>akibench reports</h1><p class="lead">${runs.length} runs in <code>${
      e(dir)
    }</code>.</p></header><main id="report">`,
    htmlTable(["Run", "Status", "Profile", "Start", "Scenarios", "Raw"], rows, { id: "runs" }),
    runs.length >= 2
      ? `<h2>Compare two runs</h2><form action="/compare" method="get"><label>Base <select name="base">${options}</select></label> <label>New <select name="new">${options}</select></label> <label>Tolerance % <input name="tolerance" value="10" size="4"></label> <button type="submit">Compare</button></form>`
      : "",
    "</main>",
  ];
  return htmlPage({ title: "akibench reports", body: body.join("\n") });
}

/**
 * The report browser behind `akibench reports serve`: / lists the suite runs under `dir`,
 * /runs/NAME/ and /runs/NAME/FILE serve a run's reports and raw JSON, /compare?base=A&new=B
 * compares two runs.
 */
export function reportsApp(dir: string): Hono {
  const app = new Hono();
  app.get("/", async (c) => c.html(indexPage(dir, await listRuns(dir))));
  app.get(
    "/runs/:run/",
    (c) => c.redirect(`/runs/${encodeURIComponent(c.req.param("run"))}/index.html`),
  );
  app.get(
    "/runs/:run",
    (c) => c.redirect(`/runs/${encodeURIComponent(c.req.param("run"))}/index.html`),
  );
  const serveFile = async (path: string[]) => {
    if (!path.every((p) => SAFE_NAME.test(p))) return null;
    try {
      const bytes = await Deno.readFile(join(dir, ...path));
      const type = CONTENT_TYPES[extname(path.at(-1)!)] ?? "application/octet-stream";
      return new Response(bytes, { headers: { "content-type": type } });
    } catch {
      return null;
    }
  };
  // A run on several targets keeps each target's reports one folder down.
  app.get("/runs/:run/:target/:file", async (c) => {
    const { run, target, file } = c.req.param();
    return await serveFile([run, target, file]) ?? c.text("not found", 404);
  });
  app.get("/runs/:run/:file", async (c) => {
    const { run, file } = c.req.param();
    if (!SAFE_NAME.test(run) || !SAFE_NAME.test(file)) return c.text("not found", 404);
    const found = await serveFile([run, file]);
    if (found) return found;
    if (file !== "index.html") return c.text("not found", 404);
    // A run on several targets has no index: its comparison page is the way in.
    if (await Deno.stat(join(dir, run, ACROSS_HTML)).then(() => true, () => false)) {
      return c.redirect(`/runs/${encodeURIComponent(run)}/${ACROSS_HTML}`);
    }
    // A run folder without index.html (e.g. RunResult JSON copied by hand): render one.
    try {
      const { suite, runs } = await readRuns(join(dir, run));
      return c.html(renderSuiteHtml(suite ?? suiteOf(runs), runs));
    } catch {
      return c.text("not found", 404);
    }
  });
  app.get("/compare", async (c) => {
    const base = c.req.query("base") ?? "";
    const next = c.req.query("new") ?? "";
    const tolText = c.req.query("tolerance") ?? "10";
    const tolerance = Number(tolText.replace(/%$/, "")) / 100;
    if (!SAFE_NAME.test(base) || !SAFE_NAME.test(next) || !(tolerance >= 0)) {
      return c.text("compare needs ?base=RUN&new=RUN[&tolerance=PERCENT]", 400);
    }
    try {
      const [b, n] = await Promise.all([readRuns(join(dir, base)), readRuns(join(dir, next))]);
      const comparison = compareRuns(b.runs, n.runs, { tolerance });
      return c.html(
        renderComparisonHtml(
          comparison,
          { base, next },
          { base: b.runs, next: n.runs },
          `<footer><a href="/">all runs</a></footer>`,
        ),
      );
    } catch (err) {
      return c.text(`cannot compare: ${(err as Error).message}`, 404);
    }
  });
  return app;
}
