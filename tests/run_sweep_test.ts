import assert from "node:assert/strict";
import { compareRuns } from "../src/report/compare.ts";
import { chartData } from "../src/report/chart_data.ts";
import { renderHtml } from "../src/report/html.ts";
import { renderMarkdown } from "../src/report/markdown.ts";
import { renderTerminalSummary } from "../src/report/terminal.ts";
import { runSuite } from "../src/run/run_suite.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import { ReferenceTarget } from "../src/targets/reference.ts";

/**
 * Two steps that run and one the target refuses (a 4-d collection: AkiDB takes 16..4096), on
 * fresh reference servers. Limits are generous: the test is about the mechanics, not speed.
 */
const SWEEP = `name: Sweep
seed: 3
duration: 2s
load: { type: constant, qps: 20 }
concurrency: 4
timeout: 5s
mix: { search: 100 }
dataset: { size: 300, dim: 16, metric: cosine, clusters: 4, queries: 20, k: 10 }
recall: { share: 100%, k: 10 }
integrity: { sample: 100 }
warmup: 1s
probe: { p95: 5s, start_qps: 20, growth: 2, stage: 1s, max_qps: 40 }
steps:
  - { name: s300 }
  - { name: s600, dataset: { size: 600 } }
  - { name: bad, dataset: { dim: 4 } }
criteria:
  - p95{step=s300} < 5s
  - memory_at_rest{step=s600} < 1MB
  - recall@10 >= 0.9
`;

const datasetDir = await Deno.makeTempDir({ prefix: "akibench-sweep-" });
globalThis.addEventListener("unload", () => Deno.removeSync(datasetDir, { recursive: true }));

Deno.test("sweep: each step on a fresh target, measured and judged on its own; a step that cannot run fails", async () => {
  const scenario = parseScenario(SWEEP, "sweep.yaml", "full");
  const opened: string[] = [];
  const { runs } = await runSuite([scenario], "full", {
    datasetDir,
    openTarget: (s) => {
      opened.push(s.step ?? "?");
      return ReferenceTarget.start();
    },
  });
  assert.deepEqual(opened, ["s300", "s600", "bad"], "one fresh target per step");
  const [r] = runs;
  assert.equal(r.scenario_id, "sweep");
  assert.equal(r.status, "failed");
  const steps = r.steps!;
  assert.deepEqual(steps.map((s) => s.scenario_id), ["sweep/s300", "sweep/s600", "sweep/bad"]);
  assert.deepEqual(steps.map((s) => s.step), ["s300", "s600", "bad"]);
  for (const s of steps.slice(0, 2)) {
    assert.ok(
      ["passed", "failed", "invalid"].includes(s.status),
      `${s.status}: ${s.status_reason}`,
    );
    assert.equal(s.setup?.vectors, s.dataset.size);
    assert.ok(s.setup!.vectors_per_s > 0 && s.setup!.index_s >= 0);
    assert.ok(s.setup!.rss_at_rest_mb! > 0, "RSS at rest read for every step, however small");
    const search = s.operations.find((o) => o.operation === "search")!;
    assert.ok(search.requests > 0 && search.histograms.latency_us.length > 0);
    assert.ok(s.recall!.samples > 0);
    // The warm-up: 1 s of searches at 20 req/s before the load and before the probe, none of
    // them in the step's traffic (its per-second series covers the 2 s measured only).
    assert.equal(s.warmup?.duration_s, 1);
    assert.ok(s.warmup!.requests > 0);
    assert.equal(s.series.per_second.reduce((n, p) => n + p.offered, 0), s.total_requests);
    assert.ok(s.series.per_second.length <= 3, `${s.series.per_second.length} seconds`);
    const probe = s.probe!;
    assert.equal(probe.kind, "stepped_open_model");
    assert.equal(probe.warmup_s, 1);
    // Stages of 20 then 40 req/s (×2, max_qps 40): both held, or it stopped at the one that did not.
    const held = probe.stages.filter((x) => x.held).map((x) => x.offered_qps);
    assert.deepEqual(held, [20, 40].slice(0, held.length));
    assert.equal(probe.max_sustained_qps, held.at(-1) ?? null);
    if (held.length === 2) assert.equal(probe.limited_by, "max_qps");
    else {
      assert.equal(probe.stages.length, held.length + 1);
      assert.ok(probe.limited_by === "target" || probe.limited_by === "generator");
    }
  }
  assert.deepEqual(steps.map((s) => s.setup?.vectors), [300, 600, undefined]);
  // The step the target refused: every one of its criteria failed with why.
  const bad = steps[2];
  assert.equal(bad.status, "invalid");
  assert.match(bad.status_reason!, /setup failed/);
  assert.deepEqual(bad.success_criteria.results.map((c) => [c.expression, c.passed]), [
    ["recall@10 >= 0.9", false],
  ]);
  assert.match(
    bad.success_criteria.results[0].reason!,
    /^step invalid, not judged: setup failed/,
  );
  // The sweep's criteria: each step's, named with the step.
  const results = r.success_criteria.results;
  assert.deepEqual(results.map((c) => c.expression), [
    "p95{step=s300} < 5s",
    "recall@10{step=s300} >= 0.9",
    "memory_at_rest{step=s600} < 1MB",
    "recall@10{step=s600} >= 0.9",
    "recall@10{step=bad} >= 0.9",
  ]);
  assert.equal(results[2].passed, false, "no server holds 600 vectors in 1 MB");
  assert.match(r.status_reason!, /step bad invalid: setup failed/);
  const lastRan = steps.findLast((s) => s.status === "passed" || s.status === "failed");
  if (lastRan) {
    assert.equal(
      r.dataset.size,
      lastRan.dataset.size,
      "the traffic fields: the last step that ran",
    );
    assert.equal(r.total_requests, lastRan.total_requests);
  }

  // Reports: a row per step and the charts against size.
  const md = renderMarkdown(r);
  assert.match(md, /## Steps/);
  assert.match(md, /\| s300 \| 300 \|/);
  assert.match(md, /\| bad \| 300 \| ⚠️ INVALID \|/);
  const data = chartData(r).sweep!;
  assert.deepEqual(data.p95.map(([x]) => x), [300, 600, 300]);
  assert.equal(data.p95[2][1], null, "no latency for the step that did not run");
  assert.equal(data.maxQps.length, 3);
  const text = renderTerminalSummary(r, { color: false });
  assert.match(text, /^ {2}s600 +600 /m);
  assert.match(
    text,
    /^ {2}recall@10\{step=bad\} >= 0\.9: .*step invalid, not judged: setup failed/m,
  );
  const html = renderHtml(r);
  for (const id of ["latency", "memory", "load", "recall", "qps"]) {
    assert.ok(html.includes(`id="chart-sweep-${id}"`), id);
  }

  // compare pairs the steps' own results (a step the busy machine made invalid is listed as
  // not compared, like any invalid run).
  const c = compareRuns([r], [r], { tolerance: 0.1 });
  const compared = new Set(c.rows.map((row) => row.scenario));
  const notCompared = c.notCompared.map((n) => n.scenario);
  assert.deepEqual(
    [...compared, ...notCompared].sort(),
    ["sweep/bad", "sweep/s300", "sweep/s600"],
  );
  assert.ok(notCompared.includes("sweep/bad"));
  for (const s of steps.filter((x) => x.status === "passed" || x.status === "failed")) {
    assert.ok(compared.has(s.scenario_id), s.scenario_id);
  }
});
