import assert from "node:assert/strict";
import type { RunResult } from "../src/result/run_result.ts";
import { spawnServer } from "./server_child.ts";

const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;

/** Runs `akibench run ARGS --target akidb --url URL` in `dir`; the results by scenario file. */
async function run(dir: string, url: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "run", ...args, "--target", "akidb", "--url", url, "--out", "out"],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const result = async (name: string): Promise<RunResult> =>
    JSON.parse(await Deno.readTextFile(`${dir}/out/${name}.json`));
  return { code: out.code, text, result };
}

async function withCompatServer(fn: (dir: string, url: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "akibench-akidb-compat-" });
  const { child, url } = await spawnServer(`${dir}/data`, ["--compat", "akidb"]);
  try {
    await fn(dir, url);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("run --target akidb against serve --compat akidb: baseline smoke runs, multi-tenant is skipped as against a real AkiDB", async () => {
  await withCompatServer(async (dir, url) => {
    const { text, result } = await run(dir, url, ["baseline", "multi_tenant", "--smoke"]);
    const baseline = await result("baseline");
    // A saturated generator on a busy machine makes the run invalid, never a failure.
    if (baseline.status === "invalid") {
      assert.match(baseline.status_reason ?? "", /generator saturated/, text);
    } else {
      // Every criterion but a machine-bound latency percentile passes; errors are none.
      const failed = baseline.success_criteria.results.filter((c) => !c.passed);
      for (const c of failed) assert.match(c.metric, /^p\d+\(/, JSON.stringify(c));
      assert.equal(baseline.recall?.k, 10);
      assert.equal(baseline.recall?.capped_from, undefined);
    }
    const tenants = await result("multi_tenant");
    assert.equal(tenants.status, "skipped");
    assert.equal(tenants.status_reason, "target lacks tenancy, audit");
  });
});

Deno.test("run --target akidb against serve --compat akidb: a dot scenario stops with AkiDB's refusal; recall@200 is judged at AkiDB's 128", async () => {
  await withCompatServer(async (dir, url) => {
    const scenario = (name: string, metric: string, k: number) =>
      Deno.writeTextFile(
        `${dir}/${name}.yaml`,
        `name: ${name}\nseed: 3\nduration: 3s\nload: { type: constant, qps: 20 }\n` +
          `concurrency: 4\nmix: { search: 100 }\n` +
          `dataset: { size: 300, dim: 16, metric: ${metric}, clusters: 4, queries: 20, k: ${k} }\n` +
          `recall: { share: 100%, k: ${k} }\ncriteria:\n  - error_rate < 1%\n` +
          `  - recall@${k} > 0.9\n`,
      );
    await scenario("dot", "dot", 10);
    await scenario("deep", "l2", 200);
    const { text, result } = await run(dir, url, ["dot.yaml", "deep.yaml"]);
    const dot = await result("dot");
    assert.equal(dot.status, "invalid");
    assert.match(dot.status_reason ?? "", /^setup failed: AkiDB does not support dot over REST \(/);
    const deep = await result("deep");
    assert.equal(deep.recall?.k, 128);
    assert.equal(deep.recall?.capped_from, 200);
    assert.ok(deep.recall!.samples > 0);
    // The top 128 of 300 exact (AkiDB's HNSW would be approximate; the reference is exact here).
    assert.equal(deep.recall?.overall, 1);
    const criterion = deep.success_criteria.results.find((c) => c.metric.startsWith("recall"));
    assert.equal(criterion?.observed, 1, "recall@200 is judged on the capped recall@128");
    assert.match(text, /Recall@128: 1 .*\(k capped from 200: the target returns at most 128\)/);
    const markdown = await Deno.readTextFile(`${dir}/out/deep.md`);
    assert.match(markdown, /k capped from 200: the target returns at most 128/);
  });
});
