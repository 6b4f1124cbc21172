import assert from "node:assert/strict";
import { compareRuns } from "../src/report/compare.ts";
import type { RunResult } from "../src/result/run_result.ts";

/**
 * Run triples bench/compare_pairs.ts recorded (tests/fixtures/compare/noise.yaml, one seed): two
 * back-to-back runs against one reference server (base, same) and one against a server started
 * with --added-latency-ms 2 (slow). Recorded on the shared 2-core development machine while
 * other work ran on it (load average 5–12).
 */
const FIXTURES = new URL("./fixtures/compare/", import.meta.url).pathname;
const PAIRS = 9;

async function triple(i: number): Promise<RunResult[]> {
  return await Promise.all(
    ["base", "same", "slow"].map(async (k) =>
      JSON.parse(await Deno.readTextFile(`${FIXTURES}${k}-${i}.json`)) as RunResult
    ),
  );
}

function regressed(base: RunResult, next: RunResult) {
  const c = compareRuns([base], [next], { tolerance: 0.1 });
  assert.deepEqual(c.notCompared, [], "both runs valid");
  return c.rows.filter((r) => r.verdict === "regressed");
}

Deno.test("compare: a server 2 ms slower regresses in every recorded pair, with intervals that exclude 0", async () => {
  for (let i = 1; i <= PAIRS; i++) {
    const [base, , slow] = await triple(i);
    const rows = regressed(base, slow);
    assert.ok(
      rows.some((r) => r.operation === "all" && r.metric === "latency p50"),
      `pair ${i}: ${JSON.stringify(rows.map((r) => `${r.operation} ${r.metric}`))}`,
    );
    for (const r of rows) assert.ok(r.interval![0] > 0, `pair ${i}: ${r.metric} ${r.interval}`);
  }
  // Seeded: the same two runs always get the same intervals.
  const [a, b] = await triple(1);
  assert.deepEqual(
    compareRuns([a], [b], { tolerance: 0.1 }),
    compareRuns([a], [b], { tolerance: 0.1 }),
  );
});

Deno.test({
  name: "compare: two runs of one seed against one server never regress (recorded pairs)",
  // Not met yet: on the busy machine 4 of these 9 identical pairs still show a "regression"
  // (all/search p90–p95, memory growth of a 10 s run): the machine's load drifts between runs,
  // which no interval from within one run can see. Needs repeated runs per side (--repeat N).
  ignore: true,
  async fn() {
    for (let i = 1; i <= PAIRS; i++) {
      const [base, same] = await triple(i);
      const rows = regressed(base, same);
      assert.deepEqual(rows.map((r) => `${r.operation} ${r.metric} [${r.interval}]`), [], `${i}`);
    }
  },
});
