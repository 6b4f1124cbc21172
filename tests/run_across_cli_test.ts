/**
 * A real multi-target run through the CLI: the embedded reference server and `--target akidb`
 * pointed at a served reference server (`akibench serve --port 0`), a tiny scenario and one
 * needing tiering (which the served server lacks, so akidb skips it).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../src/cli/main.ts";
import { acrossTargets } from "../src/report/across_targets.ts";
import { ACROSS_TARGETS_ELEMENT_ID } from "../src/report/across_targets_html.ts";
import { renderAcrossMarkdown } from "../src/report/across_targets_markdown.ts";
import { readRuns } from "../src/report/read_runs.ts";
import { suiteStatus } from "../src/result/suite_status.ts";
import { exitCodeFor } from "../src/run/run_suite.ts";
import { spawnServer } from "./server_child.ts";

const TINY = `name: Tiny
seed: 5
duration: 2s
load: { type: constant, qps: 30 }
arrivals: poisson
concurrency: 8
timeout: 5s
mix: { search: 60, insert: 20, update: 10, delete: 10 }
dataset: { size: 300, dim: 16, metric: cosine, clusters: 4, queries: 20, k: 20, collections: 1 }
recall: { share: 50%, k: 5 }
integrity: { sample: 1000 }
criteria:
  - error_rate < 1%
  - corruption == 0
`;

Deno.test({
  name:
    "run --target reference,akidb=URL writes both targets' reports and a comparison that agrees",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "akibench-across-cli-" });
    const { child, url } = await spawnServer(join(dir, "server"));
    const logged: string[] = [];
    const out = join(dir, "out");
    // reference's index as the akidb run of the first scenario begins (reference's has ended).
    let indexAfterFirst: string | null = null;
    const original = console.log;
    console.log = (...a: unknown[]) => {
      logged.push(a.join(" "));
      if (a[0] === "--- target akidb ---" && indexAfterFirst === null) {
        indexAfterFirst = Deno.readTextFileSync(join(out, "reference", "index.html"));
      }
    };
    try {
      await Deno.writeTextFile(join(dir, "tiny.yaml"), TINY);
      await Deno.writeTextFile(
        join(dir, "tiny_tiered.yaml"),
        TINY.replace("name: Tiny", "name: Tiny tiered").replace(
          "criteria:",
          "requires: [tiering]\ncriteria:",
        ),
      );
      const code = await main([
        "run",
        join(dir, "tiny.yaml"),
        join(dir, "tiny_tiered.yaml"),
        "--target",
        `reference,akidb=${url}`,
        "--out",
        out,
        "--dataset-dir",
        join(dir, "datasets"),
      ]);
      const [ref, akidb] = [
        await readRuns(join(out, "reference")),
        await readRuns(join(out, "akidb")),
      ];
      for (const t of [ref, akidb]) {
        assert.deepEqual(t.runs.map((r) => r.scenario_id), ["tiny", "tiny_tiered"]);
        for (const name of ["index.html", "summary.md", "junit.xml", "tiny.html", "tiny.md"]) {
          assert.ok((await Deno.stat(join(out, t.runs[0].target.name, name))).isFile, name);
        }
      }
      assert.match(indexAfterFirst!, /1 of 2 scenarios finished/);
      assert.match(indexAfterFirst!, /not finished then: <code>tiny_tiered<\/code>/);
      assert.deepEqual(ref.runs.map((r) => r.target.name), ["reference", "reference"]);
      assert.deepEqual(akidb.runs.map((r) => r.target.url), [url, url]);
      // On a busy machine the generator may saturate (invalid): whatever happened, it is reported.
      for (const r of [ref.runs[0], ref.runs[1], akidb.runs[0]]) {
        assert.ok(["passed", "invalid"].includes(r.status), `${r.status}: ${r.status_reason}`);
        assert.ok(r.total_requests > 0 && r.recall!.samples > 0);
      }
      assert.equal(akidb.runs[1].status, "skipped");
      assert.equal(akidb.runs[1].status_reason, "target lacks tiering");
      assert.equal(code, exitCodeFor(suiteStatus([...ref.runs, ...akidb.runs])), "worst over all");

      const expected = acrossTargets([
        { label: "reference", runs: ref.runs },
        { label: "akidb", runs: akidb.runs },
      ]);
      const html = await Deno.readTextFile(join(out, "comparison.html"));
      const m = new RegExp(
        `<script type="application/json" id="${ACROSS_TARGETS_ELEMENT_ID}">([\\s\\S]*?)</script>`,
      ).exec(html);
      assert.ok(m);
      assert.deepEqual(JSON.parse(m[1]), expected);
      assert.ok(expected.scenarios[0].cells.every((c) => c!.spectrum.length > 0), "both spectra");
      assert.equal(
        await Deno.readTextFile(join(out, "comparison.md")),
        renderAcrossMarkdown(expected, { reference: "reference/", akidb: "akidb/" }),
      );
      // The same page again, afterwards, from the saved folder alone (targets.json keeps the order).
      const page = await Deno.readTextFile(join(out, "comparison.html"));
      assert.deepEqual(JSON.parse(await Deno.readTextFile(join(out, "targets.json"))), {
        targets: [{ label: "reference", folder: "reference" }, { label: "akidb", folder: "akidb" }],
      });
      await Deno.remove(join(out, "comparison.html"));
      assert.equal(await main(["report", "--across", out]), 0);
      assert.equal(await Deno.readTextFile(join(out, "comparison.html")), page);
      const printed = logged.join("\n");
      assert.match(printed, /\ntiny_tiered\s+reference\s+akidb\n {2}status\s+\w+\s+SKIPPED\n/);
      assert.ok(printed.includes(`Comparison: open ${join(out, "comparison.html")}`));
    } finally {
      console.log = original;
      child.kill("SIGTERM");
      await child.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("run with several targets: a bad target list is one usage error, exit 2", async () => {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    const cases: [string[], RegExp][] = [
      [["--target", "reference,akidb"], /--target akidb needs --url/],
      [["--target", "reference,akidb", "--url", "http://h:1"], /give each its own URL/],
      [["--target", "reference,milvus=http://h:1"], /unknown target "milvus"/],
      [["--target", "reference,akidb=ftp://h"], /expected http:\/\/HOST:PORT, got "ftp:\/\/h"/],
    ];
    for (const [args, message] of cases) {
      lines.length = 0;
      assert.equal(await main(["run", "baseline", ...args]), 2, args.join(" "));
      assert.equal(lines.length, 1, args.join(" "));
      assert.match(lines[0], message);
    }
  } finally {
    console.error = original;
  }
});
