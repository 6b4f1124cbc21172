import assert from "node:assert/strict";
import { acrossTargets } from "../src/report/across_targets.ts";
import { exitCodeFor } from "../src/run/run_suite.ts";
import { runTargets } from "../src/run/run_targets.ts";
import { parseTargetSpecs } from "../src/run/target_specs.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";

const YAML = `name: NAME
duration: 1s
load: { type: constant, qps: 5 }
concurrency: 2
timeout: 1s
mix: { search: 100 }
dataset: { size: 10, dim: 4, metric: cosine, queries: 5, k: 5 }
criteria: [error_rate < 1%]
`;

const scenarios = ["one", "two"].map((id) =>
  parseScenario(YAML.replace("NAME", id), `${id}.yaml`, "full")
);

Deno.test("runTargets: scenario by scenario, each on every target in the order given", async () => {
  const opened: string[] = [];
  const results = await runTargets(scenarios, parseTargetSpecs("a,b", undefined), "full", {
    // No server behind these targets: each run is invalid, which is all the order needs.
    openTarget: (spec, s) => {
      opened.push(`${s.id}@${spec.label}`);
      return Promise.reject(new Error("unreachable"));
    },
  });
  assert.deepEqual(opened, ["one@a", "one@b", "two@a", "two@b"]);
  assert.deepEqual(results.map((t) => t.runs.map((r) => r.status)), [
    ["invalid", "invalid"],
    ["invalid", "invalid"],
  ]);
  assert.deepEqual(results.map((t) => t.suite.status), ["invalid", "invalid"]);
  assert.match(results[1].runs[0].status_reason!, /unreachable/);
});

Deno.test("runTargets: Ctrl-C between two runs starts nothing more and marks every target interrupted", async () => {
  const controller = new AbortController();
  const results = await runTargets(scenarios, parseTargetSpecs("a,b", undefined), "full", {
    signal: controller.signal,
    openTarget: () => Promise.reject(new Error("unreachable")),
    onRun: () => controller.abort(),
  });
  assert.deepEqual(results.map((t) => t.runs.length), [1, 0]);
  assert.deepEqual(results.map((t) => t.suite.status), ["interrupted", "interrupted"]);
  const across = acrossTargets(
    results.map((t) => ({ label: t.spec.label, runs: t.runs, status: t.suite.status })),
  );
  assert.equal(across.status, "interrupted");
  assert.equal(exitCodeFor(across.status), 130);
  assert.equal(across.scenarios[0].cells[1], null, "b never ran one");
});
