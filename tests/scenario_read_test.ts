import assert from "node:assert/strict";
import { scenarioHash } from "../src/scenario/hash.ts";
import {
  bundledScenarioNames,
  loadScenario,
  parseScenario,
} from "../src/scenario/read_scenario.ts";
import { ScenarioError } from "../src/scenario/scenario_error.ts";
import { loadSuite } from "../src/scenario/suite.ts";

const SEED_SCENARIOS = [
  "baseline",
  "sustained",
  "spike",
  "tiered",
  "multi_tenant",
  "large_dataset",
  "failure_injection",
  "chaos",
];

Deno.test("every seed scenario loads at full and smoke scale; smoke keeps the shape, smaller", async () => {
  for (const id of SEED_SCENARIOS) {
    const full = await loadScenario(id, "full");
    const smoke = await loadScenario(id, "smoke");
    assert.equal(full.id, id);
    assert.equal(full.profile, "full");
    assert.equal(smoke.profile, "smoke");
    assert.ok(smoke.durationS < full.durationS / 10, `${id}: smoke is a fraction of full`);
    assert.ok(smoke.dataset.size <= full.dataset.size, `${id}: smoke dataset not larger`);
    assert.deepEqual(smoke.mix, full.mix, `${id}: same mix`);
    // Smoke judges every full criterion except memory growth per minute, which 20–30 s cannot show.
    assert.deepEqual(
      smoke.criteria,
      full.criteria.filter((c) =>
        smoke.criteria.includes(c) || !/^memory_growth(_beyond_writes)? </.test(c)
      ),
      `${id}: same criteria, at most without memory_growth`,
    );
    assert.deepEqual(smoke.requires, full.requires, `${id}: same requirements`);
    assert.equal(smoke.load?.type, full.load?.type, `${id}: same load profile type`);
    assert.equal(smoke.tenants.length, full.tenants.length, `${id}: same tenants`);
  }
});

Deno.test("the seed's exact parameters", async () => {
  const s = Object.fromEntries(
    await Promise.all(SEED_SCENARIOS.map(async (id) => [id, await loadScenario(id, "full")])),
  );
  const minutes = SEED_SCENARIOS.map((id) => s[id].durationS / 60);
  assert.deepEqual(minutes, [30, 60, 15, 45, 30, 60, 20, 30]);
  assert.deepEqual(s.baseline.load, { type: "constant", qps: 100 });
  assert.deepEqual(s.baseline.mix, {
    search: 0.7,
    insert: 0.2,
    update: 0,
    delete: 0,
    metadata: 0.1,
  });
  assert.equal(s.baseline.concurrency, 10);
  assert.equal(s.baseline.dataset.size, 10_000);
  assert.equal(s.baseline.dataset.dim, 512);
  assert.equal(s.baseline.dataset.metric, "cosine");
  assert.deepEqual(s.sustained.load, { type: "constant", qps: 200 });
  assert.equal(s.sustained.dataset.size, 50_000);
  assert.equal(s.sustained.concurrency, 20);
  assert.deepEqual(s.spike.load, {
    type: "spike",
    baseline_qps: 100,
    spike_qps: 500,
    baseline_s: 180,
    ramp_up_s: 120,
    hold_s: 300,
    ramp_down_s: 120,
    recovery_s: 180,
  });
  assert.equal(s.spike.concurrency, 50);
  assert.equal(s.tiered.dataset.collections, 100);
  assert.deepEqual(s.tiered.dataset.access, {
    type: "zipf",
    s: 1,
    window: { size: 20, slideEveryS: 45 },
  });
  assert.deepEqual(s.tiered.server.tiering, {
    hotToWarmIdleS: 300,
    warmToColdIdleS: 600,
    warmToHotAccesses: 10,
    warmToHotWindowS: 60,
  });
  const qps = s.multi_tenant.tenants.map((t: { load: { qps: number } }) => t.load.qps);
  assert.deepEqual(qps, [10, 10, 10, 10, 10, 100, 5, 5, 5, 5]);
  // The seed states "Total QPS: 175", but its own per-tenant rates add up to 170.
  assert.equal(qps.reduce((a: number, b: number) => a + b, 0), 170);
  assert.equal(s.multi_tenant.dataset.size, 5000);
  assert.equal(s.large_dataset.dataset.size, 100_000);
  assert.deepEqual(s.large_dataset.mix, {
    search: 0.8,
    insert: 0.15,
    update: 0,
    delete: 0,
    metadata: 0.05,
  });
  assert.ok(s.large_dataset.criteria.includes("recall@10 > 0.95"));
  assert.equal(s.failure_injection.server.faults.length, 4);
  assert.equal(s.failure_injection.dataset.size, 10_000);
  assert.equal(s.chaos.tenants.length * s.chaos.dataset.size, 50_000);
  assert.equal(s.chaos.tenants.length * s.chaos.dataset.collections, 20);
  assert.ok(s.chaos.criteria.includes("error_rate < 2%"));
});

Deno.test("the smoke suite lists the eight scenarios and the sweep, in about six minutes of load", async () => {
  const suite = await loadSuite("smoke");
  assert.equal(suite.profile, "smoke");
  assert.deepEqual(suite.scenarios, [...SEED_SCENARIOS, "scalability"]);
  const scenarios = await Promise.all(suite.scenarios.map((id) => loadScenario(id, "smoke")));
  const loadSeconds = scenarios.reduce(
    (n, s) =>
      n +
      (s.steps.length > 0 ? s.steps.reduce((m, x) => m + x.scenario.durationS, 0) : s.durationS),
    0,
  );
  assert.ok(loadSeconds <= 260, `smoke load ${loadSeconds} s`);
});

Deno.test("scalability: the seed's table as steps of 1k to 1M 512-d clustered cosine vectors", async () => {
  const full = await loadScenario("scalability", "full");
  const steps = full.steps.map((s) => s.scenario);
  assert.deepEqual(full.steps.map((s) => s.name), ["1k", "10k", "100k", "1m"]);
  assert.deepEqual(steps.map((s) => s.dataset.size), [1_000, 10_000, 100_000, 1_000_000]);
  for (const s of steps) {
    assert.deepEqual([s.dataset.dim, s.dataset.metric, s.dataset.distribution], [
      512,
      "cosine",
      "clustered",
    ]);
    assert.deepEqual(s.load, { type: "constant", qps: 100 });
    assert.ok(s.criteria.includes("recall@10 >= 0.95"), s.step!);
  }
  assert.deepEqual(steps.map((s) => s.criteria.filter((c) => /^(p95|memory_at_rest) /.test(c))), [
    ["p95 < 5ms", "memory_at_rest < 100MB"],
    ["p95 < 15ms", "memory_at_rest < 1GB"],
    ["p95 < 25ms", "memory_at_rest < 10GB"],
    ["p95 < 50ms", "memory_at_rest < 100GB"],
  ]);
  assert.deepEqual(steps.map((s) => s.probe?.p95LimitMs), [5, 15, 25, 50]);
  const smoke = await loadScenario("scalability", "smoke");
  assert.deepEqual(smoke.steps.map((s) => s.scenario.dataset.size), [1_000, 10_000]);
});

Deno.test("the scenario hash is stable, ignores the file location and changes with content", async () => {
  const a = await loadScenario("baseline", "smoke");
  const b = { ...(await loadScenario("baseline", "smoke")), source: "/elsewhere/baseline.yaml" };
  const full = await loadScenario("baseline", "full");
  assert.match(await scenarioHash(a), /^[0-9a-f]{64}$/);
  assert.equal(await scenarioHash(a), await scenarioHash(b));
  assert.notEqual(await scenarioHash(a), await scenarioHash(full));
  assert.notEqual(await scenarioHash(a), await scenarioHash({ ...a, seed: a.seed + 1 }));
});

const BASE = `name: X
duration: 10s
load: { type: constant, qps: 10 }
concurrency: 2
mix: { search: 100 }
dataset: { size: 100, dim: 8, metric: cosine, k: 10 }
criteria: [p95 < 5ms]
smoke: { duration: 5s }
`;

function errorOf(text: string, profile: "full" | "smoke" = "full"): string {
  try {
    parseScenario(text, "scenarios/x.yaml", profile);
  } catch (err) {
    assert.ok(err instanceof ScenarioError);
    assert.ok(!err.message.includes("\n"), "one line");
    return err.message;
  }
  throw new Error("expected a ScenarioError");
}

Deno.test("bad values are reported with the file, the YAML path and the value", () => {
  const cases: [string, string, string][] = [
    [
      "qps: 10 }",
      'qps: "fast" }',
      'scenarios/x.yaml: load.qps: expected a positive number, got "fast"',
    ],
    ["qps: 10 }", "qps: -3 }", "scenarios/x.yaml: load.qps: expected a positive number, got -3"],
    [
      "type: constant",
      "type: wobble",
      'scenarios/x.yaml: load.type: expected a load profile with type constant, ramp, stages, spike or random, got "wobble"',
    ],
    [
      "duration: 10s",
      "duration: soon",
      'scenarios/x.yaml: duration: expected a duration like 30s, 5m or 1h, got "soon"',
    ],
    [
      "metric: cosine",
      "metric: cos",
      'scenarios/x.yaml: dataset.metric: expected cosine, l2 or dot, got "cos"',
    ],
    [
      "search: 100",
      "search: 90",
      'scenarios/x.yaml: mix: expected percentages summing to 100, got {"search":90}',
    ],
    [
      "concurrency: 2",
      "concurrency: 2\nconcurency: 3",
      "scenarios/x.yaml: concurency: unknown field",
    ],
    [
      "[p95 < 5ms]",
      "[p95 < 5ms, p42 < 3ms]",
      'scenarios/x.yaml: criteria[1]: "p42 < 3ms": unknown metric "p42"',
    ],
    [
      "[p95 < 5ms]",
      "[recall@10 > 0.9]",
      "scenarios/x.yaml: criteria[0]: recall@10 needs recall: {k: 10} in the scenario",
    ],
    [
      "[p95 < 5ms]",
      '["p95{phase=hold} < 5ms"]',
      'scenarios/x.yaml: criteria[0]: no phase "hold" in the load profile',
    ],
    [
      "concurrency: 2\n",
      "",
      "scenarios/x.yaml: concurrency: expected a positive integer (missing)",
    ],
    [
      "k: 10 }",
      "k: 10, collections: 4, access: { zipf: 1, window: 2 } }",
      'scenarios/x.yaml: dataset.access: expected window and slide_every together, got {"zipf":1,"window":2}',
    ],
    [
      "k: 10 }",
      "k: 10, collections: 4, access: { zipf: 1, window: 5, slide_every: 1s } }",
      "scenarios/x.yaml: dataset.access.window: 5 exceeds the 4 collections",
    ],
  ];
  for (const [from, to, expected] of cases) {
    assert.ok(BASE.includes(from), from);
    assert.equal(errorOf(BASE.replace(from, to)), expected);
  }
});

Deno.test("errors inside the smoke block are reported under smoke.", () => {
  assert.equal(
    errorOf(BASE.replace("smoke: { duration: 5s }", "smoke: { duration: -5s }"), "smoke"),
    'scenarios/x.yaml: smoke.duration: expected a duration like 30s, 5m or 1h, got "-5s"',
  );
  assert.equal(
    errorOf(BASE.replace("smoke: { duration: 5s }", "smoke: { dataset: { size: 0 } }"), "smoke"),
    "scenarios/x.yaml: smoke.dataset.size: expected a positive integer, got 0",
  );
  assert.equal(
    errorOf(BASE.replace("smoke: { duration: 5s }", "smoke: 5s"), "smoke"),
    "scenarios/x.yaml: smoke: expected a mapping of smoke-scale overrides",
  );
});

Deno.test("--smoke on a file without a smoke block says so and how to fix it", () => {
  assert.equal(
    errorOf(BASE.replace("smoke: { duration: 5s }", ""), "smoke"),
    "scenarios/x.yaml has no smoke block: add 'smoke:' with smaller duration/load/dataset, " +
      "or run without --smoke",
  );
});

Deno.test("invalid YAML and missing files name the file", async () => {
  assert.match(errorOf("name: [unclosed"), /^scenarios\/x\.yaml: invalid YAML: /);
  await assert.rejects(
    () => loadScenario("/nonexistent/nope.yaml", "full"),
    (err: Error) =>
      err instanceof ScenarioError && err.message === "/nonexistent/nope.yaml: no such file",
  );
});

Deno.test("a misspelled bundled scenario name suggests the close names, or lists them all", async () => {
  const messageOf = (name: string) =>
    loadScenario(name, "full").then(() => "loaded", (err: Error) => err.message);
  assert.equal(
    await messageOf("tiered_storage"),
    "no bundled scenario 'tiered_storage'; did you mean 'tiered'?",
  );
  assert.equal(
    await messageOf("basline"),
    "no bundled scenario 'basline'; did you mean 'baseline'?",
  );
  assert.equal(
    await messageOf("zzzzzzzzzz"),
    "no bundled scenario 'zzzzzzzzzz'; expected one of: " +
      (await bundledScenarioNames()).join(", "),
  );
  assert.ok((await bundledScenarioNames()).includes("failure_injection"));
});

Deno.test("the smoke block merges mappings and replaces profiles and lists", () => {
  const s = parseScenario(
    BASE.replace(
      "smoke: { duration: 5s }",
      "smoke: { dataset: { size: 50 }, load: { type: ramp, from_qps: 1, to_qps: 5 } }",
    ),
    "x.yaml",
    "smoke",
  );
  assert.equal(s.dataset.size, 50);
  assert.equal(s.dataset.dim, 8, "untouched keys keep their full-scale value");
  assert.deepEqual(s.load, { type: "ramp", from_qps: 1, to_qps: 5 });
  assert.equal(s.durationS, 10);
});
