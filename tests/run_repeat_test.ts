import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../src/cli/main.ts";
import type { RunResult } from "../src/result/run_result.ts";

/** Runs the CLI in-process with its output captured. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = console.error = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    return { code: await main(args), out: lines.join("\n") };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

Deno.test("run --repeat 2 records both runs, and compare judges two such results over their runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-repeat-" });
  try {
    const scenario = join(dir, "tiny.yaml");
    await Deno.writeTextFile(
      scenario,
      [
        "name: Tiny Repeat",
        "seed: 5",
        "duration: 2s",
        "load: { type: constant, qps: 20 }",
        "concurrency: 4",
        "timeout: 5s",
        "mix: { search: 80, insert: 20 }",
        "dataset: { size: 200, dim: 16, metric: cosine, clusters: 4, queries: 20, k: 5 }",
        "criteria:",
        "  - error_rate < 50%",
      ].join("\n") + "\n",
    );
    const out = join(dir, "reports");
    const args = ["run", scenario, "--repeat", "2", "--dataset-dir", join(dir, "datasets")];
    const run = await cli([...args, "--out", out]);
    const result: RunResult = JSON.parse(await Deno.readTextFile(join(out, "tiny.json")));
    // A busy machine can saturate the load generator (exit 3, that run invalid): the runs are
    // recorded all the same, and compare then says it did not judge them.
    const saturated = result.repeats?.some((r) => r.status === "invalid") ?? false;
    assert.equal(run.code, saturated ? 3 : 0, run.out);
    if (saturated) assert.match(result.status_reason!, /generator saturated/);
    assert.equal(result.repeats?.length, 2);
    for (const r of result.repeats!) {
      assert.ok(r.status === "passed" || r.status === "invalid", r.status);
      const all = r.operations.find((o) => o.operation === "all")!;
      assert.ok(all.requests > 0 && all.latency_ms.count > 0);
      assert.ok(r.duration_seconds > 0);
    }
    // The result in full is the first run's: its summary matches the body.
    assert.deepEqual(
      result.repeats![0].operations.map((o) => [o.operation, o.requests, o.latency_ms.p50]),
      result.operations.map((o) => [o.operation, o.requests, o.latency_ms.p50]),
    );
    const md = join(dir, "cmp.md");
    const compare = await cli(["compare", out, out, "--out", md]);
    assert.equal(compare.code, 0, compare.out);
    assert.match(
      await Deno.readTextFile(md),
      saturated ? /Not compared: tiny \(base invalid/ : /tiny: means of 2 base and 2 new runs\./,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
