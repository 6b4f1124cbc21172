import assert from "node:assert/strict";
import { s3RunStore } from "../src/io/s3_run_store.ts";
import type { RunResult } from "../src/result/run_result.ts";
import { startEmbeddedS3 } from "../src/server/s3/embedded_s3.ts";
import { EMBEDDED_S3_CREDENTIALS } from "../src/server/s3/embedded_s3.ts";
import { S3ObjectStore } from "../src/server/s3/object_store.ts";
import { cliInProcess } from "./cli_in_process.ts";
import { spawnServer } from "./server_child.ts";

const TINY = `name: Tiny
seed: 3
duration: 2s
load: { type: constant, qps: 30 }
arrivals: uniform
concurrency: 4
timeout: 5s
mix: { search: 60, insert: 20, delete: 10, metadata: 10 }
dataset: { size: 200, dim: 16, metric: l2, clusters: 4, queries: 10, k: 20 }
recall: { share: 50%, k: 5 }
integrity: { sample: 500 }
criteria:
  - recall@5 > 0.8
  - corruption == 0
`;

/** The SDK's environment pointed at an embedded s3rver with bucket `runs`, for `fn`. */
async function withS3(fn: () => Promise<void>) {
  const s3 = await startEmbeddedS3();
  const env = {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: EMBEDDED_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMBEDDED_S3_CREDENTIALS.secretAccessKey,
  };
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, Deno.env.get(k)]));
  try {
    for (const [k, v] of Object.entries(env)) Deno.env.set(k, v);
    const bucket = await S3ObjectStore.open({
      endpoint: s3.endpoint,
      bucket: "runs",
      ...EMBEDDED_S3_CREDENTIALS,
    });
    bucket.close();
    await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) Deno.env.delete(k);
      else Deno.env.set(k, v);
    }
    await s3.close();
  }
}

Deno.test("s3 run store: write, read, a missing name, and a listing of one prefix level", async () => {
  await withS3(async () => {
    const store = s3RunStore("s3://runs/a/b");
    assert.equal(store.location, "s3://runs/a/b");
    assert.equal(await store.read("manifest.json"), null);
    await store.write("x.json", '{"x":1}');
    await store.write("y.json", "[]");
    await s3RunStore("s3://runs/a/b/deeper").write("z.json", "{}");
    await s3RunStore("s3://runs/a/bb").write("w.json", "{}");
    assert.equal(await store.read("x.json"), '{"x":1}');
    assert.deepEqual(await store.list(), ["x.json", "y.json"]);
    await assert.rejects(
      s3RunStore("s3://no-such-bucket/p").write("x.json", "{}"),
      /^Error: s3:\/\/no-such-bucket\/p\/x\.json: /,
    );
  });
});

Deno.test("sharded run through S3: setup, shard, finish and merge meet at s3://bucket/prefix", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-shard-s3-" });
  const { child, url } = await spawnServer(`${dir}/data`);
  try {
    await withS3(async () => {
      const yaml = `${dir}/tiny.yaml`;
      await Deno.writeTextFile(yaml, TINY);
      const common = ["run", yaml, "--target", "akidb", "--url", url, "--dataset-dir", `${dir}/d`];
      const out = ["--out", "s3://runs/tiny-1"];
      for (const part of [["--setup-only"], ["--shard", "0/1"], ["--finish-only"]]) {
        const r = await cliInProcess([...common, ...out, ...part]);
        assert.ok([0, 3].includes(r.code), `${part}: ${r.stderr}`);
      }
      assert.deepEqual(await s3RunStore("s3://runs/tiny-1").list(), [
        "manifest.json",
        "tiny.finish.json",
        "tiny.shard-0-of-1.json",
      ]);
      const merge = await cliInProcess(["merge", "s3://runs/tiny-1", "--out", `${dir}/report`]);
      assert.ok([0, 3].includes(merge.code), merge.stderr);
      const r: RunResult = JSON.parse(await Deno.readTextFile(`${dir}/report/tiny.json`));
      assert.equal(r.total_requests, 60);
      assert.ok(r.recall !== null && r.recall.samples > 0);
      assert.equal(r.integrity?.corruption, 0);
      const missing = await cliInProcess(["merge", "s3://runs/nothing-here", "--out", `${dir}/r2`]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no shard results to merge$/);
    });
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});
