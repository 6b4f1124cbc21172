import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../src/cli/main.ts";
import { compareRuns } from "../src/report/compare.ts";
import { writeReports } from "../src/report/write_reports.ts";
import { makeRunResult } from "./fixtures/make_fixture.ts";
import { fixtureSuite } from "./fixtures/load_fixture.ts";

const BASE = { durationS: 30, seed: 11, baseQps: 60 };

async function withFiles(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "akibench-compare-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function quietMain(args: string[]): Promise<number> {
  const log = console.log;
  console.log = () => {};
  try {
    return await main(args);
  } finally {
    console.log = log;
  }
}

Deno.test("compare exits 1 when latency regressed beyond tolerance and writes the Markdown", () =>
  withFiles(async (dir) => {
    await Deno.writeTextFile(join(dir, "base.json"), JSON.stringify(makeRunResult(BASE)));
    // Single runs: a p50 counts only beyond twice the base; the tails cannot be settled.
    const slower = makeRunResult({ ...BASE, latencyScale: 3 });
    await Deno.writeTextFile(join(dir, "new.json"), JSON.stringify(slower));
    const out = join(dir, "cmp.md");
    const code = await quietMain([
      "compare",
      join(dir, "base.json"),
      join(dir, "new.json"),
      "--out",
      out,
    ]);
    assert.equal(code, 1);
    const md = await Deno.readTextFile(out);
    assert.match(
      md,
      /\| spike \| search \| latency p50 \| [\d.]+ ms \| [\d.]+ ms \| \+(19\d|20\d)(\.\d)?% \| ❌ regressed \|/,
    );
    assert.match(
      md,
      /\| spike \| search \| latency p95 \| [\d.]+ ms \| [\d.]+ ms \| \+\d+(\.\d)?% \| ❔ inconclusive \(single runs do not show how much runs differ; use run --repeat N\) \|/,
    );
    assert.match(md, /inconclusive from single runs \(record both sides with run --repeat N\)/);
  }));

Deno.test("compare exits 0 for a change inside the tolerance, in Markdown and HTML", () =>
  withFiles(async (dir) => {
    await Deno.writeTextFile(join(dir, "base.json"), JSON.stringify(makeRunResult(BASE)));
    const near = makeRunResult({ ...BASE, latencyScale: 1.04 });
    await Deno.writeTextFile(join(dir, "new.json"), JSON.stringify(near));
    const args = ["compare", join(dir, "base.json"), join(dir, "new.json"), "--tolerance", "10%"];
    assert.equal(await quietMain(args), 0);
    const html = join(dir, "cmp.html");
    assert.equal(await quietMain([...args, "--format", "html", "--out", html]), 0);
    assert.match(await Deno.readTextFile(html), /<table id="comparison">/);
    // Beyond a 1 % tolerance, but inside the 95 % interval of two runs of 1,800 requests: noise.
    const out = join(dir, "cmp.md");
    const tight = [...args.slice(0, 3), "--tolerance", "1", "--out", out];
    assert.equal(await quietMain(tight), 0);
    assert.match(await Deno.readTextFile(out), /➖ noise \(inside the 95% interval\) \| [-+]/);
  }));

Deno.test("compare accepts suite directories and names scenarios not run on both sides", () =>
  withFiles(async (dir) => {
    const { suite, runs } = fixtureSuite();
    await writeReports(join(dir, "a"), suite, runs);
    await writeReports(
      join(dir, "b"),
      { ...suite, runs: suite.runs.slice(0, 2) },
      runs.slice(0, 2),
    );
    const out = join(dir, "cmp.md");
    assert.equal(await quietMain(["compare", join(dir, "a"), join(dir, "b"), "--out", out]), 0);
    const md = await Deno.readTextFile(out);
    assert.match(md, /Only in base: tiered\./);
    assert.match(md, /\| baseline \| insert \| latency p99 \|/);
  }));

Deno.test("the noise guard ignores sub-millisecond changes and thin tails", () => {
  const base = makeRunResult({ durationS: 5, seed: 5, baseQps: 20 });
  const next = makeRunResult({ durationS: 5, seed: 5, baseQps: 20, latencyScale: 1.3 });
  const c = compareRuns([base], [next], { tolerance: 0.1 });
  const p999 = c.rows.find((r) => r.operation === "search" && r.metric === "latency p99.9")!;
  assert.equal(p999.verdict, "noise");
  assert.match(p999.note!, /fewer than 10 samples beyond p99.9/);
  // 1.3× is beyond the tolerance and the interval from within the runs, but not beyond the 2×
  // that two single runs can differ by.
  const p50 = c.rows.find((r) => r.operation === "search" && r.metric === "latency p50")!;
  assert.equal(p50.verdict, "inconclusive");
  assert.match(p50.note!, /within the 2× two single runs can differ by; use run --repeat N/);
  assert.ok(p50.interval![0] > 0, "outside the interval from within the runs");
  assert.equal(c.regressions, 0);
  const fast = structuredClone(base);
  const tiny = compareRuns([fast], [fast], { tolerance: 0 });
  assert.equal(tiny.regressions, 0);
});

Deno.test("compare rejects bad arguments with exit code 2", async () => {
  const error = console.error;
  console.error = () => {};
  try {
    assert.equal(await main(["compare", "only-one.json"]), 2);
    assert.equal(await main(["compare", "a.json", "b.json", "--tolerance", "lots"]), 2);
    assert.equal(await main(["compare", "/nonexistent/a.json", "/nonexistent/b.json"]), 2);
  } finally {
    console.error = error;
  }
});
