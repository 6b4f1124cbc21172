import assert from "node:assert/strict";
import type { RunResult, ShardSummary } from "../src/result/run_result.ts";
import { readRunResult } from "../src/report/read_runs.ts";
import { renderHtml } from "../src/report/html.ts";
import { shardsTable } from "../src/report/html_tables.ts";
import { renderMarkdown } from "../src/report/markdown.ts";
import { shardsSection } from "../src/report/shards_markdown.ts";
import type { ShardFile } from "../src/shard/shard_file.ts";
import { assertGolden } from "./fixtures/golden_file.ts";
import { loadFixture } from "./fixtures/load_fixture.ts";

/** The spike fixture as a merged run of 3 shards: one in step, one 1.5 s off, one behind. */
function mergedFixture(): RunResult {
  const run = loadFixture("run_result.json");
  const shard = (index: number, patch: Partial<ShardSummary>): ShardSummary => ({
    index,
    count: 3,
    start_time: `2026-11-28T06:00:00.${String(100 + index).padStart(3, "0")}Z`,
    clock_offset_ms: 3.2,
    total_requests: 3440,
    failed_requests: 15,
    dropped_requests: 13,
    generator: run.generator,
    memory_mb: run.memory_mb,
    cpu_percent: run.cpu_percent,
    resources: [],
    ...patch,
  });
  run.shards = [
    shard(0, { failed_requests: 17 }),
    shard(1, { clock_offset_ms: -1523.4 }),
    shard(2, {
      clock_offset_ms: null,
      generator: { ...run.generator, valid: false, reason: "schedule lag p99 12 ms > 5 ms" },
    }),
  ];
  return run;
}

Deno.test("a merged run's Shards table matches its golden files in Markdown and HTML", async () => {
  const run = mergedFixture();
  await assertGolden("shards.md", shardsSection(run).join("\n"));
  const table = shardsTable(run);
  await assertGolden("shards.html", table + "\n");
  // The whole reports carry the section, after the resources.
  const html = renderHtml(run);
  assert.ok(html.includes(`<h2>Shards</h2>\n${table}`));
  assert.ok(html.indexOf("<h2>Shards</h2>") > html.indexOf("<h2>Resources and correctness</h2>"));
  assert.ok(renderMarkdown(run).includes(shardsSection(run).join("\n")));
});

Deno.test("the Shards table flags a clock past the bound and a generator that fell behind", () => {
  const run = mergedFixture();
  const rows = shardsTable(run).split("<tr").slice(2);
  assert.equal(rows.length, 3);
  assert.doesNotMatch(rows[0], /class="fail"/);
  assert.match(rows[1], /^ class="fail">.*<td class="result">-1523\.4 ms ⚠ past ±1000 ms<\/td>/);
  assert.match(
    rows[2],
    /^ class="fail">.*<td class="num">unknown<\/td>.*<td class="result">no: schedule lag/,
  );
  assert.match(shardsTable(run), /id="clock-warning">Shard 1\/3: clock more than 1000 ms off/);
  // In step: no warning, and runs that are not sharded have no table at all.
  run.shards![1].clock_offset_ms = 999;
  assert.doesNotMatch(shardsTable(run), /clock-warning|past ±/);
  assert.doesNotMatch(renderHtml(loadFixture("run_result.json")), /<h2>Shards<\/h2>/);
  assert.deepEqual(shardsSection(loadFixture("run_result.json")), []);
});

Deno.test("report of one shard's result file renders that shard's run with its Shards row", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-shard-report-" });
  try {
    const run = loadFixture("run_result.json");
    const file = {
      kind: "akibench-shard",
      shard: { index: 1, count: 2 },
      clock_offset_ms: 1234.5,
      run,
    } as unknown as ShardFile;
    const path = `${dir}/spike.shard-1-of-2.json`;
    await Deno.writeTextFile(path, JSON.stringify(file));
    const read = await readRunResult(path);
    assert.equal(read.scenario_id, run.scenario_id);
    assert.deepEqual(
      read.shards?.map((s) => [s.index, s.count, s.clock_offset_ms, s.total_requests]),
      [[1, 2, 1234.5, run.total_requests]],
    );
    assert.equal(read.shards![0].failed_requests, run.failed_requests);
    assert.equal(read.shards![0].dropped_requests, run.dropped_requests);
    assert.match(renderHtml(read), /<td class="result">1234\.5 ms ⚠ past ±1000 ms<\/td>/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
