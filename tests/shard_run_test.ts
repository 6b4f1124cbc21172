import assert from "node:assert/strict";
import type { RunResult } from "../src/result/run_result.ts";
import { runScenario } from "../src/run/run_scenario.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import { AkidbTarget } from "../src/targets/akidb.ts";
import { cliInProcess } from "./cli_in_process.ts";
import { spawnServer } from "./server_child.ts";

const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;

const TINY = `name: Tiny
seed: 5
duration: 3s
load: { type: constant, qps: 40 }
arrivals: poisson
concurrency: 8
timeout: 5s
mix: { search: 50, insert: 20, update: 10, delete: 10, metadata: 10 }
dataset: { size: 400, dim: 16, metric: cosine, clusters: 4, queries: 20, k: 20, collections: 2 }
recall: { share: 50%, k: 5 }
integrity: { sample: 1000 }
criteria:
  - error_rate < 1%
  - recall@5 > 0.8
  - corruption == 0
  - crashes == 0
`;

/** Requests per operation, the operation mix of a run. */
function mix(r: RunResult): Record<string, number> {
  return Object.fromEntries(r.operations.map((o) => [o.operation, o.requests]));
}

async function shardProcess(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

Deno.test("sharded run: setup, 2 shard processes, finish and merge send what one process sends and judge it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-shard-" });
  const { child, url } = await spawnServer(`${dir}/data`);
  try {
    const yaml = `${dir}/tiny.yaml`;
    await Deno.writeTextFile(yaml, TINY);
    const common = [
      "run",
      yaml,
      "--target",
      "akidb",
      "--url",
      url,
      "--out",
      `${dir}/run`,
      "--dataset-dir",
      `${dir}/datasets`,
    ];
    const setup = await cliInProcess([...common, "--setup-only"]);
    assert.equal(setup.code, 0, setup.stderr);
    const again = await cliInProcess([...common, "--setup-only"]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /manifest\.json exists \(add --force to overwrite\)$/);

    // A start a few seconds ahead; a shard that is ready late starts at once and says so.
    const startAt = new Date(Date.now() + 4000).toISOString();
    const shards = await Promise.all(
      [0, 1].map((i) => shardProcess([...common, "--shard", `${i}/2`, "--start-at", startAt])),
    );
    for (const s of shards) {
      // 3: a shard's generator starved by the busy machine is reported, never hidden.
      assert.ok(s.code === 0 || s.code === 3, s.text);
    }
    const finish = await cliInProcess([...common, "--finish-only"]);
    assert.equal(finish.code, 0, finish.stderr);
    const merge = await cliInProcess(["merge", `${dir}/run`, "--out", `${dir}/report`]);
    assert.ok([0, 3].includes(merge.code), merge.stderr);
    const merged: RunResult = JSON.parse(await Deno.readTextFile(`${dir}/report/tiny.json`));
    for (const name of ["tiny.html", "tiny.md", "junit.xml", "index.html"]) {
      await Deno.stat(`${dir}/report/${name}`);
    }

    // The same scenario and seed in one process, against the same server.
    const single = await runScenario(
      parseScenario(TINY, yaml, "full"),
      new AkidbTarget(url),
      { datasetDir: `${dir}/datasets` },
    );
    assert.ok(single.total_requests > 60, `${single.total_requests} requests`);
    assert.equal(merged.total_requests, single.total_requests);
    assert.deepEqual(mix(merged), mix(single));
    assert.deepEqual(
      merged.shards?.map((s) => [s.index, s.count]),
      [[0, 2], [1, 2]],
    );
    const perShard = merged.shards!.map((s) => s.total_requests);
    assert.ok(perShard.every((n) => n > 0), `${perShard}`);
    assert.equal(perShard[0] + perShard[1], merged.total_requests);
    assert.equal(typeof merged.shards![0].clock_offset_ms, "number");
    const md = await Deno.readTextFile(`${dir}/report/tiny.md`);
    assert.match(md, /## Shards\n/);
    assert.match(md, /\| 1\/2 +\| \S+ +\| +-?[\d.]+ ms \| +\d+ \|/);
    // Recall and integrity were judged over both shards' searches and writes.
    assert.equal(merged.failed_requests, 0, JSON.stringify(merged.operations[0].errors_by_class));
    assert.equal(single.failed_requests, 0);
    assert.equal(merged.recall?.samples, single.recall?.samples);
    assert.ok(merged.recall!.overall! > 0.8, `recall ${merged.recall!.overall}`);
    assert.equal(merged.integrity?.checked, single.integrity?.checked);
    assert.equal(merged.integrity?.corruption, 0);
    assert.deepEqual(
      merged.success_criteria.results.map((c) => [c.expression, c.passed]),
      [
        ["error_rate < 1%", true],
        ["recall@5 > 0.8", true],
        ["corruption == 0", true],
        ["crashes == 0", true],
      ],
    );
    // The finish tore the collections down.
    const listed = await (await fetch(`${url}/api/v1/collections`)).json();
    assert.equal(listed.collections.length, 0);
    await checkRefusals(dir);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});

/** merge refuses, with one line and exit 2, parts that are not one run's complete set. */
async function checkRefusals(dir: string) {
  const shard0 = `${dir}/run/tiny.shard-0-of-2.json`;
  const shard1 = `${dir}/run/tiny.shard-1-of-2.json`;
  const finish = `${dir}/run/tiny.finish.json`;
  const edited = async (path: string, edit: (j: Record<string, unknown>) => void) => {
    const j = JSON.parse(await Deno.readTextFile(path));
    edit(j);
    const out = `${dir}/edited-${crypto.randomUUID().slice(0, 6)}.json`;
    await Deno.writeTextFile(out, JSON.stringify(j));
    return out;
  };
  const otherSeed = await edited(shard1, (j) => (j.run as RunResult).seed = 6);
  const otherData = await edited(shard1, (j) => (j.run as RunResult).dataset.hash = "0".repeat(64));
  const otherScenario = await edited(finish, (j) => j.scenario_hash = "f".repeat(64));
  const cases: [string[], RegExp][] = [
    [[shard0, otherSeed], /edited-\w+\.json has seed 6 but .*shard-0-of-2\.json has 5/],
    [[shard0, otherData], /has dataset_hash 000000000000… but .* has /],
    [[shard0, shard1, otherScenario], /has scenario_hash ffffffffffff… but/],
    [[shard0], /shard 1 of 2 missing$/],
    [[shard0, shard0, shard1], /are both shard 0$/],
    [[`${dir}/run/manifest.json`], /neither a shard result nor a finish result$/],
  ];
  for (const [files, message] of cases) {
    const out = `${dir}/refused-${crypto.randomUUID().slice(0, 6)}`;
    const { code, stderr } = await cliInProcess(["merge", ...files, "--out", out]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, message);
    assert.equal(stderr.split("\n").length, 1, stderr);
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound, "nothing written");
  }
}

Deno.test("sharded run flags: bad values and combinations exit 2 with one line", async () => {
  const cases: [string[], RegExp][] = [
    [["run", "baseline", "--shard", "2/2", "--out", "x"], /--shard: expected I\/N with 0 ≤ I < N/],
    [["run", "baseline", "--shard", "a/b", "--out", "x"], /--shard: expected I\/N/],
    [["run", "baseline", "--shard", "0/2", "--start-at", "noon"], /--start-at: expected an ISO/],
    [["run", "baseline", "--start-at", "1700000000000"], /--start-at applies to --shard/],
    [["run", "baseline", "--setup-only", "--finish-only"], /exclude each other/],
    [["run", "baseline", "--setup-only"], /needs --out/],
    [["run", "baseline", "spike", "--setup-only", "--out", "x"], /takes one scenario/],
    [["run", "baseline", "--setup-only", "--out", "x"], /needs a target every part reaches/],
    [["merge", "x"], /--out DIR is required/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await cliInProcess(args);
    assert.equal(code, 2, args.join(" "));
    assert.match(stderr, message, args.join(" "));
    assert.equal(stderr.split("\n").length, 1, "one line");
  }
});
