import assert from "node:assert/strict";
import { renderMarkdown, renderSuiteMarkdown } from "../src/report/markdown.ts";
import { assertGolden } from "./fixtures/golden_file.ts";
import { fixtureSuite, loadFixture } from "./fixtures/load_fixture.ts";

Deno.test("markdown of the passed spike run matches its golden file", async () => {
  await assertGolden("spike.md", renderMarkdown(loadFixture("run_result.json")));
});

Deno.test("markdown of the failed run matches its golden file and names the failure", async () => {
  const md = renderMarkdown(loadFixture("run_result_failed.json"));
  assert.ok(md.includes("❌ FAILED"));
  assert.ok(md.includes("| `p95(search) < 2ms` |"));
  await assertGolden("baseline_failed.md", md);
});

Deno.test("markdown of a skipped run shows the reason and no traffic tables", async () => {
  const md = renderMarkdown(loadFixture("run_result_skipped.json"));
  assert.ok(md.includes("⏭️ SKIPPED"));
  assert.ok(md.includes("does not report storage tiers"));
  assert.ok(!md.includes("## Success criteria"));
  await assertGolden("tiered_skipped.md", md);
});

Deno.test("suite markdown lists every scenario, failed criteria and skip reasons", async () => {
  const { suite, runs } = fixtureSuite();
  const md = renderSuiteMarkdown(suite, runs);
  for (const id of ["spike", "baseline", "tiered"]) assert.ok(md.includes(`| ${id} |`), id);
  assert.ok(md.includes("## Failed criteria"));
  assert.ok(md.includes("`tiered` ⏭️ SKIPPED: target 'pgvector' does not report storage tiers"));
  await assertGolden("summary.md", md);
});

Deno.test("markdown escapes pipes in cells", () => {
  const run = loadFixture("run_result.json");
  run.success_criteria.results[0].expression = "p95(a|b) < 5ms";
  assert.ok(renderMarkdown(run).includes("`p95(a\\|b) < 5ms`"));
});
