import assert from "node:assert/strict";
import h5wasm from "h5wasm/node";
import { UsageError } from "../src/usage/usage_error.ts";
import { cacheFileName, loadOrGenerate } from "../src/dataset/cache.ts";
import type { GenerateParams } from "../src/dataset/dataset.ts";
import { generateDataset } from "../src/dataset/generate.ts";
import { writeDataset } from "../src/dataset/hdf5.ts";

const PARAMS: GenerateParams = {
  size: 400,
  dim: 8,
  queries: 10,
  k: 5,
  metric: "dot",
  distribution: "clustered",
  clusters: 3,
  seed: 5,
};

async function load(dir: string, params = PARAMS) {
  const messages: string[] = [];
  const dataset = await loadOrGenerate(params, { dir, onProgress: (m) => messages.push(m) });
  return { dataset, messages, regenerated: messages.some((m) => m.includes("regenerating")) };
}

Deno.test("the cache file name carries generator, parameters, seed and versions", () => {
  assert.equal(cacheFileName(PARAMS), "clustered-n400-d8-q10-k5-dot-c3-s5-g1-f1.hdf5");
  // clusters do not matter for uniform data, so they do not split the cache.
  const uniform = { ...PARAMS, distribution: "uniform" as const };
  assert.equal(cacheFileName(uniform), cacheFileName({ ...uniform, clusters: 99 }));
  assert.equal(cacheFileName(uniform), "uniform-n400-d8-q10-k5-dot-c0-s5-g1-f1.hdf5");
});

Deno.test("loadOrGenerate generates once, then reuses the file unchanged", async () => {
  const dir = await Deno.makeTempDir();
  const first = await load(dir);
  const path = `${dir}/${cacheFileName(PARAMS)}`;
  const before = await Deno.stat(path);
  assert.ok(first.messages.length > 0, "generation reports progress");
  const second = await load(dir);
  assert.deepEqual(second.messages, []);
  assert.deepEqual(second.dataset, first.dataset);
  assert.equal((await Deno.stat(path)).mtime?.getTime(), before.mtime?.getTime());
  assert.deepEqual(first.dataset, await generateDataset(PARAMS));
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [cacheFileName(PARAMS)]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("truncated, modified or foreign cache files are regenerated, never used", async () => {
  const dir = await Deno.makeTempDir();
  const good = (await load(dir)).dataset;
  const path = `${dir}/${cacheFileName(PARAMS)}`;
  const bytes = await Deno.readFile(path);

  await Deno.writeFile(path, bytes.subarray(0, bytes.length - 100));
  const truncated = await load(dir);
  assert.ok(truncated.regenerated);
  assert.match(truncated.messages[0], /cache file .* is unusable \(.*truncated/);
  assert.deepEqual(truncated.dataset, good);

  const file = new h5wasm.File(path, "a");
  (file.get("neighbors") as InstanceType<typeof h5wasm.Dataset>).write_slice(
    [[0, 1], [0, 1]],
    new Int32Array([(good.neighbors[0] + 1) % PARAMS.size]),
  );
  file.close();
  const modified = await load(dir);
  assert.ok(modified.regenerated);
  assert.match(modified.messages[0], /content hash mismatch/);
  assert.deepEqual(modified.dataset, good);

  // A valid dataset file with other parameters, under this cache name.
  await writeDataset(path, await generateDataset({ ...PARAMS, seed: 6 }), { ...PARAMS, seed: 6 });
  const foreign = await load(dir);
  assert.match(foreign.messages[0], /recorded parameters differ/);
  assert.deepEqual(foreign.dataset, good);

  assert.deepEqual((await load(dir)).messages, []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadOrGenerate rejects bad parameters before touching the cache", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(load(dir, { ...PARAMS, k: 401 }), UsageError);
  await assert.rejects(load(dir, { ...PARAMS, size: 0 }), UsageError);
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  await Deno.remove(dir, { recursive: true });
});
