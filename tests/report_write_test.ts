import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../src/cli/main.ts";
import { renderHtml } from "../src/report/html.ts";
import { writeReports } from "../src/report/write_reports.ts";
import { fixtureSuite } from "./fixtures/load_fixture.ts";

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "akibench-write-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeReports writes every file, leaves no temp file and appends the step summary", () =>
  withDir(async (dir) => {
    const { suite, runs } = fixtureSuite();
    const summary = join(dir, "step-summary.md");
    await Deno.writeTextFile(summary, "previous step\n");
    Deno.env.set("GITHUB_STEP_SUMMARY", summary);
    let written: string[];
    try {
      written = await writeReports(join(dir, "out"), suite, runs);
    } finally {
      Deno.env.delete("GITHUB_STEP_SUMMARY");
    }
    const names = written.map((p) => p.slice(join(dir, "out").length + 1)).sort();
    assert.deepEqual(names, [
      "baseline.html",
      "baseline.json",
      "baseline.md",
      "index.html",
      "junit.xml",
      "spike.html",
      "spike.json",
      "spike.md",
      "suite.json",
      "summary.md",
      "tiered.html",
      "tiered.json",
      "tiered.md",
    ]);
    const onDisk = [...Deno.readDirSync(join(dir, "out"))].map((e) => e.name).sort();
    assert.deepEqual(onDisk, names);
    const step = await Deno.readTextFile(summary);
    assert.ok(step.startsWith("previous step\n# akibench suite: ❌ FAILED"));
    assert.equal(await Deno.readTextFile(join(dir, "out", "spike.html")), renderHtml(runs[0]));
  }));

Deno.test("writeReports refuses a scenario id that is not a plain file name", async () => {
  const { suite, runs } = fixtureSuite();
  runs[0].scenario_id = "../escape";
  await assert.rejects(
    () => writeReports("/nonexistent-never-created", suite, runs),
    /cannot be used as a file name/,
  );
});

Deno.test("report re-renders a run from its HTML, in every requested format", () =>
  withDir(async (dir) => {
    const { suite, runs } = fixtureSuite();
    await writeReports(join(dir, "suite"), suite, runs);
    const out = join(dir, "again");
    const log = console.log;
    const printed: string[] = [];
    console.log = (s: string) => printed.push(s);
    let code: number;
    try {
      code = await main([
        "report",
        join(dir, "suite", "spike.html"),
        "--format",
        "html,md,junit,json,openmetrics,jsonl,terminal",
        "--out",
        out,
      ]);
    } finally {
      console.log = log;
    }
    assert.equal(code, 0);
    const files = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    assert.deepEqual(files, [
      "junit.xml",
      "series.jsonl",
      "series.openmetrics",
      "spike.html",
      "spike.json",
      "spike.md",
    ]);
    assert.equal(await Deno.readTextFile(join(out, "spike.html")), renderHtml(runs[0]));
    assert.ok(printed.some((p) => p.includes("=== Load Test Report ===")));
  }));

Deno.test("report re-renders a whole suite directory including its index", () =>
  withDir(async (dir) => {
    const { suite, runs } = fixtureSuite();
    await writeReports(join(dir, "suite"), suite, runs);
    await Deno.remove(join(dir, "suite", "index.html"));
    const log = console.log;
    console.log = () => {};
    try {
      assert.equal(await main(["report", join(dir, "suite"), "--format", "html"]), 0);
    } finally {
      console.log = log;
    }
    assert.match(await Deno.readTextFile(join(dir, "suite", "index.html")), /id="scenarios"/);
  }));

Deno.test("report names the bad input and exits 2", async () => {
  const error = console.error;
  const errors: string[] = [];
  console.error = (s: string) => errors.push(s);
  try {
    assert.equal(await main(["report", "/nonexistent/run.json"]), 2);
    assert.equal(await main(["report", "tests/fixtures/run_result.json", "--format", "pdf"]), 2);
  } finally {
    console.error = error;
  }
  assert.match(errors[0], /\/nonexistent\/run\.json: no such file or directory/);
  assert.match(errors[1], /unknown format 'pdf'/);
});
