import assert from "node:assert/strict";
import { renderTerminalSummary } from "../src/report/terminal.ts";
import { loadFixture } from "./fixtures/load_fixture.ts";

Deno.test("terminal summary has the seed report's lines with marks against targets", () => {
  const text = renderTerminalSummary(loadFixture("run_result_failed.json"), { color: false });
  assert.match(
    text,
    /^=== Load Test Report ===\nScenario: Baseline Performance \(baseline, smoke\)\n/,
  );
  assert.match(text, /Total Requests: 2,240/);
  assert.match(text, / {2}P95: 24\.6 ❌ \(p95\(search\) 21\.487 ms, target: < 2 ms\)/);
  assert.match(text, / {2}Average: 111\.5 QPS/);
  assert.match(text, /Error Rate: 0\.49% ✅ \(error_rate 0\.491%, target: < 1%\)/);
  assert.match(
    text,
    /\nMemory \(target RSS\): [\d.]+ MB → [\d.]+ MB \(-0\.4 MB\), peak [\d.]+ MB\n/,
  );
  assert.match(text, /\n {2}Trend: \+12\.66 MB\/min, fitted after warm-up ❌/);
  assert.match(text, / {2}Average: 54% ✅ \(cpu_avg/);
  assert.match(text, /Status: ❌ FAILED\n$/);
  assert.ok(!text.includes("\x1b["), "no ANSI codes without color");
});

Deno.test("terminal summary colours status and marks only when asked", () => {
  const text = renderTerminalSummary(loadFixture("run_result.json"), { color: true });
  assert.ok(text.includes("\x1b[32m✅ PASSED\x1b[0m"));
});

Deno.test("terminal summary of a skipped run gives the reason", () => {
  const text = renderTerminalSummary(loadFixture("run_result_skipped.json"), { color: false });
  assert.match(
    text,
    /Reason: target 'pgvector' does not report storage tiers\n\nStatus: ⏭️ SKIPPED/,
  );
  assert.ok(!text.includes("Latency"));
});

Deno.test("criteria that match no summary line are listed at the end", () => {
  const run = loadFixture("run_result.json");
  run.success_criteria.results.push({
    expression: "corruption == 0",
    metric: "corruption",
    comparator: "==",
    threshold: 0,
    observed: 0,
    unit: "",
    passed: true,
  });
  assert.match(
    renderTerminalSummary(run, { color: false }),
    /Other criteria:\n {2}corruption == 0: ✅/,
  );
});

Deno.test("terminal summary: growth beyond the vectors written, with its criterion on that line", () => {
  const run = loadFixture("run_result.json");
  run.success_criteria.results.push({
    expression: "memory_growth_beyond_writes < 10MB/min",
    metric: "memory_growth_beyond_writes",
    comparator: "<",
    threshold: 10,
    observed: run.memory_mb!.growth_beyond_writes_per_min!,
    unit: "MB/min",
    passed: true,
  });
  const text = renderTerminalSummary(run, { color: false });
  assert.match(
    text,
    /\n {2}Beyond writes: -10\.62 MB\/min \(12\.5 MB of vectors written, 3\.07 KB each as measured\) ✅ \(memory_growth_beyond_writes -10\.617 MB\/min, target: < 10 MB\/min\)\n/,
  );
  assert.ok(!text.includes("Other criteria"), "placed on its line, not listed apart");
  run.memory_mb = { ...run.memory_mb!, bytes_per_vector: 2048, bytes_per_vector_source: "raw" };
  assert.match(
    renderTerminalSummary(run, { color: false }),
    /\(12\.5 MB of vectors written, 2 KB each assumed: raw floats, not measured\) ✅/,
  );
  // A result written before the cost was measured: no claim about it.
  delete run.memory_mb.bytes_per_vector;
  delete run.memory_mb.bytes_per_vector_source;
  assert.match(renderTerminalSummary(run, { color: false }), /\(12\.5 MB of vectors written\) ✅/);
});
