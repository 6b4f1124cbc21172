import assert from "node:assert/strict";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import { scenarioHash } from "../src/scenario/hash.ts";
import { ScenarioError } from "../src/scenario/scenario_error.ts";
import { splitStepSelector, withStepSelector } from "../src/scenario/step_criteria.ts";

const SWEEP = `name: Sweep
duration: 2s
load: { type: constant, qps: 10 }
concurrency: 2
mix: { search: 100 }
dataset: { size: 100, dim: 8, metric: cosine, queries: 5, k: 5 }
recall: { share: 100%, k: 5 }
probe: { p95: 5ms, start_qps: 10 }
steps:
  - { name: small, dataset: { size: 200 } }
  - { name: large, dataset: { size: 400, clusters: 8 }, probe: { p95: 50ms }, index_wait: 5m }
criteria:
  - p95{step=small} < 5ms
  - p95(search){step=large} < 50ms
  - recall@5 >= 0.9
smoke:
  steps: [{ name: small, dataset: { size: 50 } }]
  criteria:
    - p95{step=small} < 5ms
`;

Deno.test("steps: each step is the scenario with its fields merged over it, criteria selected by step", () => {
  const s = parseScenario(SWEEP, "sweep.yaml", "full");
  assert.deepEqual(s.steps.map((x) => x.name), ["small", "large"]);
  const [small, large] = s.steps.map((x) => x.scenario);
  assert.deepEqual([small.dataset.size, large.dataset.size], [200, 400]);
  assert.deepEqual([small.dataset.clusters, large.dataset.clusters], [64, 8]);
  assert.deepEqual([small.dataset.dim, large.dataset.dim], [8, 8], "unchanged fields inherited");
  assert.deepEqual([small.probe?.p95LimitMs, large.probe?.p95LimitMs], [5, 50]);
  assert.deepEqual([small.probe?.startQps, large.probe?.startQps], [10, 10]);
  assert.deepEqual([small.indexWaitS, large.indexWaitS], [120, 300]);
  assert.deepEqual([small.step, large.step, s.step], ["small", "large", null]);
  assert.deepEqual(small.criteria, ["p95 < 5ms", "recall@5 >= 0.9"]);
  assert.deepEqual(large.criteria, ["p95(search) < 50ms", "recall@5 >= 0.9"]);
  assert.deepEqual(s.criteria, [
    "p95{step=small} < 5ms",
    "p95(search){step=large} < 50ms",
    "recall@5 >= 0.9",
  ]);
  assert.deepEqual(small.steps, [], "steps do not carry steps");
});

Deno.test("steps: the smoke block replaces the list of steps", () => {
  const s = parseScenario(SWEEP, "sweep.yaml", "smoke");
  assert.deepEqual(s.steps.map((x) => [x.name, x.scenario.dataset.size]), [["small", 50]]);
  assert.equal(s.steps[0].scenario.profile, "smoke");
});

Deno.test("steps: bad sweeps are one-line errors naming the field", () => {
  const fails = (yaml: string, message: RegExp) =>
    assert.throws(() => parseScenario(yaml, "sweep.yaml", "full"), (err: unknown) => {
      assert.ok(err instanceof ScenarioError);
      assert.match(err.message, message);
      return true;
    });
  fails(
    SWEEP.replace("p95{step=small}", "p95{step=tiny}"),
    /^sweep\.yaml: criteria\[0\]: no step "tiny" \(steps: small, large\)$/,
  );
  fails(SWEEP.replace("name: large", "name: small"), /steps\[1\]\.name: duplicate step "small"/);
  fails(
    SWEEP.replace("dataset: { size: 400,", "dataset: { size: -4,"),
    /^sweep\.yaml: steps\[1\]\.dataset\.size: expected a positive integer, got -4$/,
  );
  fails(
    SWEEP.replace("index_wait: 5m", "index_wait: soon"),
    /steps\[1\]\.index_wait: expected a duration/,
  );
  fails(SWEEP.replace("{ name: small,", "{ name: 'a b',"), /steps\[0\]\.name: expected letters/);
});

Deno.test("steps: a scenario without the sweep fields hashes as it did before they existed", async () => {
  const plain = `name: Plain
duration: 2s
load: { type: constant, qps: 10 }
concurrency: 2
mix: { search: 100 }
dataset: { size: 100, dim: 8, metric: cosine, queries: 5, k: 5 }
criteria: [p95 < 5ms]
`;
  const s = parseScenario(plain, "plain.yaml", "full");
  const { steps: _s, step: _t, probe: _p, indexWaitS: _w, warmupS: _u, ...before } = s;
  const { canonicalJson } = await import("../src/scenario/hash.ts");
  const { source: _src, ...rest } = before;
  const { file: _f, ...dataset } = rest.dataset;
  const bytes = new TextEncoder().encode(canonicalJson({ ...rest, dataset }));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const old = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(await scenarioHash(s), old);
  const probed = parseScenario(plain + "probe: { p95: 5ms, start_qps: 10 }\n", "p.yaml", "full");
  assert.notEqual(await scenarioHash(probed), old, "a probe changes what runs: it counts");
});

Deno.test("step selectors: split off for the step's run, added back to name the step", () => {
  assert.deepEqual(splitStepSelector("p95{step=1m} < 50ms"), {
    step: "1m",
    expression: "p95 < 50ms",
  });
  assert.deepEqual(splitStepSelector("p95(search){phase=hold,step=1k} < 5ms"), {
    step: "1k",
    expression: "p95(search){phase=hold} < 5ms",
  });
  assert.deepEqual(splitStepSelector("recall@10 >= 0.95"), {
    step: null,
    expression: "recall@10 >= 0.95",
  });
  assert.equal(withStepSelector("recall@10 >= 0.95", "1m"), "recall@10{step=1m} >= 0.95");
  assert.equal(
    withStepSelector("p95(search){phase=hold} < 5ms", "1k"),
    "p95(search){phase=hold,step=1k} < 5ms",
  );
});
