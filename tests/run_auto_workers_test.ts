import assert from "node:assert/strict";
import { parseRunFlags } from "../src/cli/run_command.ts";
import { chooseWorkers, isLoopbackUrl, peakOfferedRate } from "../src/run/auto_workers.ts";
import { scenarioLoadSpec } from "../src/plan/scenario_load.ts";
import {
  bundledScenarioNames,
  loadScenario,
  parseScenario,
} from "../src/scenario/read_scenario.ts";

const LOCAL_2_CORES = { cores: 2, localTarget: true, hasUrl: true };
const REMOTE_64_CORES = { cores: 64, localTarget: false, hasUrl: true };

/** A one-stream scenario at `qps` with in-flight limit `concurrency`, 512-d. */
function constant(qps: number, concurrency: number) {
  const scenario = parseScenario(
    `name: Fast
seed: 1
duration: 10s
load: { type: constant, qps: ${qps} }
concurrency: ${concurrency}
mix: { search: 100 }
dataset: { size: 100, dim: 512, metric: cosine, clusters: 4, queries: 10, k: 10 }
criteria: [error_rate < 1%]
`,
    "fast.yaml",
    "full",
  );
  return { spec: scenarioLoadSpec(scenario), dim: scenario.dataset.dim };
}

Deno.test("--workers auto keeps every bundled scenario on the single reference loop", async () => {
  const names = (await bundledScenarioNames()).filter((n) => n !== "smoke"); // smoke: a suite
  assert.equal(names.length, 9); // the eight of the seed and scalability
  for (const name of names) {
    for (const profile of ["full", "smoke"] as const) {
      const scenario = await loadScenario(name, profile);
      const spec = scenarioLoadSpec(scenario);
      for (const host of [LOCAL_2_CORES, REMOTE_64_CORES]) {
        const choice = chooseWorkers(spec, scenario.dataset.dim, host);
        assert.equal(choice.workers, 1, `${name} ${profile}: ${choice.reason}`);
        assert.match(choice.reason, /^one event loop holds peak \d+ req\/s/);
      }
    }
  }
});

Deno.test("peakOfferedRate: the spike's top and the tenants' sum", async () => {
  const spike = await loadScenario("spike", "full");
  assert.equal(Math.round(peakOfferedRate(scenarioLoadSpec(spike))), 500);
  const tenants = await loadScenario("multi_tenant", "full");
  const streams = scenarioLoadSpec(tenants).streams;
  assert.ok(streams.length > 1);
  const sum = streams.reduce((n, s) => n + s.profile.rate(1), 0);
  assert.equal(peakOfferedRate(scenarioLoadSpec(tenants)), sum);
});

Deno.test("--workers auto: more loops for a rate one loop cannot hold, bounded by cores and in-flight limit", () => {
  // 30,000 req/s × (40 + 0.05 × 512) µs = 1.97 cores of generator: 4 loops at ≤ 50 % busy.
  const { spec, dim } = constant(30000, 256);
  const wide = chooseWorkers(spec, dim, REMOTE_64_CORES);
  assert.equal(wide.workers, 4, wide.reason);
  assert.match(wide.reason, /needs 4 event loops at ≤ 50 % busy$/);
  const three = chooseWorkers(spec, dim, { cores: 3, localTarget: true, hasUrl: true });
  assert.equal(three.workers, 2);
  assert.match(three.reason, /bounded by 3 cores, one for the target$/);
  assert.equal(chooseWorkers(spec, dim, LOCAL_2_CORES).workers, 1);
  // Each worker gets 1/N of the in-flight limit: 8 allows 2 workers with 4 each.
  const narrow = constant(30000, 8);
  const few = chooseWorkers(narrow.spec, narrow.dim, REMOTE_64_CORES);
  assert.equal(few.workers, 2);
  assert.match(few.reason, /bounded by in-flight limit 8$/);
  // Workers reach the target by URL only.
  const noUrl = chooseWorkers(spec, dim, { ...REMOTE_64_CORES, hasUrl: false });
  assert.equal(noUrl.workers, 1);
  assert.match(noUrl.reason, /no URL/);
  // Just under one loop's share stays on the reference loop.
  const under = constant(7000, 256);
  assert.equal(chooseWorkers(under.spec, under.dim, REMOTE_64_CORES).workers, 1);
});

Deno.test("run --workers: default and 'auto' choose, a number is taken as given", () => {
  assert.equal(parseRunFlags(["baseline"], true).flags.workers, "auto");
  assert.equal(parseRunFlags(["baseline", "--workers", "auto"], true).flags.workers, "auto");
  assert.equal(parseRunFlags(["baseline", "--workers", "3"], true).flags.workers, 3);
  assert.ok(isLoopbackUrl("http://127.0.0.1:8080"));
  assert.ok(isLoopbackUrl("http://[::1]:8080/x"));
  assert.ok(isLoopbackUrl("http://localhost"));
  assert.ok(!isLoopbackUrl("http://db:8080"));
  assert.ok(!isLoopbackUrl(undefined));
});
