import assert from "node:assert/strict";
import { join } from "node:path";
import { acrossTargets } from "../src/report/across_targets.ts";
import { ACROSS_TARGETS_ELEMENT_ID, renderAcrossHtml } from "../src/report/across_targets_html.ts";
import { renderAcrossMarkdown } from "../src/report/across_targets_markdown.ts";
import { renderAcrossTerminal } from "../src/report/across_targets_terminal.ts";
import { percentileSpectrum } from "../src/report/percentile_spectrum.ts";
import { commonFolder, readAcross } from "../src/report/read_across.ts";
import { writeAcrossManifest, writeAcrossReports } from "../src/report/write_across.ts";
import { writeReports } from "../src/report/write_reports.ts";
import { suiteOf } from "../src/run/run_suite.ts";
import { main } from "../src/cli/main.ts";
import { reportsApp } from "../src/report/reports_server.ts";
import { acrossFixture } from "./fixtures/across_fixture.ts";
import { assertGolden } from "./fixtures/golden_file.ts";

const LINKS = { reference: "reference/", chroma: "chroma/" };

function embedded(html: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(
    html,
  );
  assert.ok(m, `no #${id}`);
  return JSON.parse(m[1]);
}

Deno.test("across targets: each cell holds its own run's numbers; a missing run is null", () => {
  const targets = acrossFixture();
  const a = acrossTargets(targets);
  assert.deepEqual(a.labels, ["reference", "chroma"]);
  assert.deepEqual(a.scenarios.map((s) => s.scenario_id), ["spike", "baseline", "tiered"]);
  assert.deepEqual(a.statuses, ["failed", "failed"]);
  assert.equal(a.status, "failed");
  const [spike, baseline, tiered] = a.scenarios;
  assert.equal(spike.spectrum_operation, "search");
  for (const [i, t] of targets.entries()) {
    const run = t.runs[0];
    const cell = spike.cells[i]!;
    const search = run.operations.find((o) => o.operation === "search")!;
    assert.equal(cell.target.name, run.target.name);
    assert.deepEqual(
      cell.operations.find((o) => o.operation === "search"),
      {
        operation: "search",
        requests: search.requests,
        p50: search.latency_ms.p50,
        p95: search.latency_ms.p95,
        p99: search.latency_ms.p99,
      },
    );
    // Achieved counts what was answered without error: the fixture's runs failed some requests.
    assert.ok(run.failed_requests > 0);
    assert.equal(
      cell.achieved_qps,
      run.throughput.average_qps * run.successful_requests /
        (run.successful_requests + run.failed_requests),
    );
    assert.ok(cell.achieved_qps < run.throughput.average_qps);
    assert.equal(cell.offered_qps, run.throughput.offered_qps);
    assert.equal(cell.recall!.overall, run.recall!.overall);
    assert.equal(cell.rss_mb!.peak, run.memory_mb!.peak);
    assert.equal(cell.spectrum.length, percentileSpectrum(search.histograms.latency_us).length);
  }
  assert.ok(spike.cells[1]!.operations[1].p95 > spike.cells[0]!.operations[1].p95, "1.6× slower");
  assert.equal(baseline.cells[1], null, "chroma never ran baseline");
  assert.deepEqual(baseline.cells[0]!.criteria.failures, [
    "p95(search) < 2ms",
    "memory_growth < 10MB/min",
  ]);
  assert.deepEqual(tiered.cells.map((c) => c!.status), ["skipped", "skipped"]);
  assert.deepEqual(tiered.cells.map((c) => c!.spectrum), [[], []]);
});

Deno.test("across targets Markdown matches its golden file", async () => {
  await assertGolden(
    "across_targets.md",
    renderAcrossMarkdown(acrossTargets(acrossFixture()), LINKS),
  );
});

Deno.test("across targets terminal table: one block per scenario, one column per target", () => {
  const text = renderAcrossTerminal(acrossTargets(acrossFixture()));
  const lines = text.split("\n");
  assert.match(lines[0], /^spike\s+reference\s+chroma$/);
  assert.match(lines[1], /^ {2}status\s+PASSED\s+FAILED$/);
  assert.match(text, /\n {2}search p50 \/ p95 \/ p99 ms\s+[\d.]+ \/ [\d.]+ \/ [\d.]+\s+[\d.]+ \//);
  assert.match(text, /\nbaseline\s+reference\s+chroma\n {2}status\s+FAILED\s+not run\n/);
  assert.match(text, /\ntiered\s+reference\s+chroma\n {2}status\s+SKIPPED\s+SKIPPED$/);
  assert.ok(!/✅|❌/.test(text), "no icons: columns stay aligned in any terminal");
});

Deno.test("across targets HTML: self-contained, tables per scenario, charts only with data", () => {
  const a = acrossTargets(acrossFixture());
  const html = renderAcrossHtml(a, LINKS);
  assert.ok(html.includes("window.Chart") || html.includes("Chart.register"), "Chart.js inline");
  assert.ok(!/<(script|img|link|iframe)[^>]+(src|href)=/i.test(html), "no src/href loads");
  assert.ok(html.includes(`http-equiv="Content-Security-Policy" content="default-src 'none'`));
  assert.deepEqual(embedded(html, ACROSS_TARGETS_ELEMENT_ID), a);
  assert.ok(html.includes('<table id="scenarios">'));
  for (const id of ["spike", "baseline", "tiered"]) {
    assert.ok(html.includes(`<table id="across-${id}">`), id);
  }
  // spike: both targets' spectra and recall points; baseline: one target; tiered: skipped, none.
  const canvases = [...html.matchAll(/<canvas id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(canvases, [
    "chart-spectrum-0",
    "chart-recall-qps-0",
    "chart-spectrum-1",
    "chart-recall-qps-1",
  ]);
  assert.ok(html.includes('<a href="chroma/spike.html">chroma</a>'), "links each target's run");
  assert.ok(html.includes('<a href="reference/index.html">reference</a>'));
  assert.match(html, /<td>not run<\/td>/);
  assert.match(html, /target lacks tiering/);
  // Verdicts are CSS marks before text that wraps (no emoji: boxes without an emoji font).
  const tables = html.slice(
    html.indexOf("<body"),
    html.indexOf(`id="${ACROSS_TARGETS_ELEMENT_ID}"`),
  );
  assert.ok(!/✅|❌|⏭️|⚠️|⏹️/u.test(tables), "no emoji in the page's text");
  assert.ok(
    tables.includes(
      '<td><span class="mark failed" aria-hidden="true"></span> 4/5; failed p95(search) &lt; 25ms</td>',
    ),
    "the failed criteria cell: a mark, then plain wrapping text",
  );
  assert.ok(
    tables.includes(
      '<td><span class="mark passed" aria-hidden="true"></span> 500 read back intact',
    ),
  );
});

Deno.test("report --across redraws the comparison from saved result folders", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-across-" });
  try {
    const targets = acrossFixture();
    for (const t of targets) {
      const suite = suiteOf(t.runs, "2026-11-28T06:00:00.000Z", "smoke", false);
      await writeReports(join(dir, "multi", t.label), suite, t.runs);
    }
    // A multi-target run's folder stands for its per-target folders (sorted by name).
    const inputs = await readAcross([join(dir, "multi")]);
    assert.deepEqual(inputs.map((i) => i.label), ["chroma", "reference"]);
    assert.equal(await commonFolder(inputs), join(dir, "multi"));
    const { across } = await writeAcrossReports(join(dir, "expected"), inputs);
    const code = await main(["report", "--across", join(dir, "multi")]);
    assert.equal(code, 0);
    const html = await Deno.readTextFile(join(dir, "multi", "comparison.html"));
    assert.deepEqual(embedded(html, ACROSS_TARGETS_ELEMENT_ID), across);
    assert.ok(html.includes('<a href="chroma/index.html">chroma</a>'));
    const md = await Deno.readTextFile(join(dir, "multi", "comparison.md"));
    assert.equal(md, renderAcrossMarkdown(across, { chroma: "chroma/", reference: "reference/" }));

    // A multi-target run's targets.json keeps the order (and labels) the run was given.
    await writeAcrossManifest(join(dir, "multi"), inputs.toReversed());
    const ordered = await readAcross([join(dir, "multi")]);
    assert.deepEqual(ordered.map((i) => [i.label, i.path]), [
      ["reference", join(dir, "multi", "reference")],
      ["chroma", join(dir, "multi", "chroma")],
    ]);

    // `report` of the whole folder says what to do instead of failing on targets.json.
    const errors: string[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => errors.push(a.join(" "));
    try {
      assert.equal(await main(["report", join(dir, "multi")]), 2);
    } finally {
      console.error = original;
    }
    assert.match(errors.join("\n"), /a run on several targets; .*report --across/);

    // Two folders of the same target are told apart by their folder names.
    const ref = join(dir, "multi", "reference");
    await Deno.mkdir(join(dir, "again"));
    await Deno.copyFile(join(ref, "spike.json"), join(dir, "again", "spike.json"));
    const twice = await readAcross([ref, join(dir, "again")]);
    assert.deepEqual(twice.map((i) => i.label), ["reference", "again"]);
    assert.equal(twice[1].reportDir, null, "no index.html to link");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report --across: bad input is one usage error", async () => {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    assert.equal(await main(["report", "--across"]), 2);
    assert.equal(await main(["report", "--across", "/no/such/dir", "/tmp"]), 2);
    assert.equal(await main(["report", "--across", "a", "b", "--format", "md"]), 2);
  } finally {
    console.error = original;
  }
  assert.match(lines[0], /--across: name the result folders/);
  assert.match(lines[1], /\/no\/such\/dir: no such file or directory/);
  assert.match(lines[2], /--format does not apply/);
});

Deno.test("reports serve: a multi-target run opens on its comparison, each target's reports below", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-across-serve-" });
  try {
    const inputs = [];
    for (const t of acrossFixture()) {
      const path = join(dir, "ab", t.label);
      const suite = suiteOf(t.runs, "2026-11-28T06:00:00.000Z", "smoke", false);
      await writeReports(path, suite, t.runs);
      inputs.push({ ...t, path, reportDir: path });
    }
    await writeAcrossManifest(join(dir, "ab"), inputs);
    await writeAcrossReports(join(dir, "ab"), inputs);
    const app = reportsApp(dir);
    const index = await app.request("/runs/ab/index.html");
    assert.equal(index.status, 302);
    assert.equal(index.headers.get("location"), "/runs/ab/comparison.html");
    const page = await app.request("/runs/ab/comparison.html");
    assert.equal(page.status, 200);
    assert.ok((await page.text()).includes('<a href="chroma/spike.html">chroma</a>'));
    const linked = await app.request("/runs/ab/chroma/spike.html");
    assert.equal(linked.status, 200);
    assert.match(linked.headers.get("content-type")!, /text\/html/);
    await linked.body?.cancel();
    for (const bad of ["/runs/ab/..%2F..%2Fetc/passwd", "/runs/..%2Fab/index.html"]) {
      const res = await app.request(bad);
      assert.equal(res.status, 404, bad);
      await res.body?.cancel();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
