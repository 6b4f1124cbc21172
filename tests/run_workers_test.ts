import assert from "node:assert/strict";
import type { RunResult } from "../src/result/run_result.ts";
import { runScenario } from "../src/run/run_scenario.ts";
import { parseScenario } from "../src/scenario/load.ts";
import { ReferenceTarget } from "../src/targets/reference.ts";
import { cliInProcess } from "./cli_in_process.ts";

const TWO_TENANTS = `name: Workers
seed: 11
duration: 3s
arrivals: poisson
timeout: 5s
mix: { search: 50, insert: 20, update: 10, delete: 10, metadata: 10 }
dataset: { size: 300, dim: 16, metric: cosine, clusters: 4, queries: 20, k: 20, collections: 2 }
tenants:
  - { name: a, load: { type: constant, qps: 30 }, concurrency: 6 }
  - { name: b, concurrency: 6, load: { type: random, min_qps: 5, max_qps: 30, interval: 1s, spike_probability: 20%, spike_qps: 40, spike_duration: 1s } }
recall: { share: 50%, k: 5 }
integrity: { sample: 1000 }
criteria:
  - recall@5 > 0.8
  - corruption == 0
`;

const datasetDir = await Deno.makeTempDir({ prefix: "akibench-workers-" });
globalThis.addEventListener("unload", () => Deno.removeSync(datasetDir, { recursive: true }));

/** Requests per tenant × operation: the mix of a run. */
function mix(r: RunResult) {
  return r.tenants.map((t) => `${t.tenant}/${t.operation}:${t.requests}`).sort();
}

async function run(workers: number): Promise<RunResult> {
  const target = await ReferenceTarget.start({ tenancy: true });
  try {
    const scenario = parseScenario(TWO_TENANTS, "workers.yaml", "full");
    return await runScenario(scenario, target, { datasetDir, workers });
  } finally {
    await target.close();
  }
}

Deno.test("run --workers 2: the same plan, counts, mix, recall samples and integrity as one worker", async () => {
  const one = await run(1);
  const two = await run(2);
  assert.ok(one.total_requests > 50, `${one.total_requests} requests`);
  assert.equal(two.total_requests, one.total_requests);
  assert.deepEqual(mix(two), mix(one));
  assert.equal(two.failed_requests, 0, JSON.stringify(two.operations[0].errors_by_class));
  assert.equal(one.failed_requests, 0);
  assert.equal(two.recall?.samples, one.recall?.samples);
  assert.ok(two.recall!.overall! > 0.8, `recall ${two.recall!.overall}`);
  assert.equal(two.integrity?.checked, one.integrity?.checked);
  assert.equal(two.integrity?.corruption, 0);
  // The same RunResult shape either way (a reason appears only when one run has one, e.g. a
  // generator starved by the busy machine).
  const keys = (r: RunResult) => Object.keys(r).filter((k) => k !== "status_reason").sort();
  assert.deepEqual(keys(two), keys(one));
  assert.deepEqual(
    two.series.per_second.slice(0, 3).map((p) => p.offered),
    one.series.per_second.slice(0, 3).map((p) => p.offered),
  );
});

Deno.test("run --workers: a bad count exits 2 with one line", async () => {
  for (const bad of ["0", "x", "65"]) {
    const { code, stderr } = await cliInProcess(["run", "baseline", "--workers", bad]);
    assert.equal(code, 2);
    assert.match(stderr, /--workers must be an integer in 1\.\.64/);
    assert.equal(stderr.split("\n").length, 1);
  }
});
