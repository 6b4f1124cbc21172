import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { UsageError } from "../src/usage/usage_error.ts";
import type { GenerateParams } from "../src/dataset/dataset.ts";
import { generateDataset } from "../src/dataset/generate.ts";
import { generateCentres, generateVectors } from "../src/dataset/generate_vectors.ts";
import { hasPythonModules, runPython } from "./python3.ts";

const BASE: GenerateParams = {
  size: 1500,
  dim: 24,
  queries: 30,
  k: 10,
  metric: "cosine",
  distribution: "clustered",
  clusters: 8,
  seed: 7,
};

function vectorHash(train: Float32Array, test: Float32Array): string {
  const hash = createHash("sha256");
  hash.update(new Uint8Array(train.buffer, train.byteOffset, train.byteLength));
  hash.update(new Uint8Array(test.buffer, test.byteOffset, test.byteLength));
  return hash.digest("hex");
}

function vectors(params: GenerateParams) {
  const centres = generateCentres(params);
  const train = new Float32Array(params.size * params.dim);
  const test = new Float32Array(params.queries * params.dim);
  generateVectors(params, centres, "base", train);
  generateVectors(params, centres, "queries", test);
  return { train, test };
}

// Byte-exact expectations, also reproduced by the independent Python implementation of the
// documented recipe in tests/fixtures/independent_generator.py. If one changes, generated data
// differs on this machine or engine (a determinism bug), or the generator changed and
// GENERATOR_VERSION (src/dataset/cache.ts) must be bumped.
const EXPECTED: [Partial<GenerateParams>, string][] = [
  [{}, "269dc552bb79e21189c71d1f2526196e69f041289493a90804d3501b5cd7e33b"],
  [{ metric: "l2" }, "4351d0e7797bc06692200612136d10396f30baba968aa91813790c24f4f207eb"],
  [
    { metric: "dot", distribution: "uniform" },
    "edd4ebfae57f3565dbdca4e35a8338698b14f35272a92f317f323e955ca31ea6",
  ],
];

for (const [change, expected] of EXPECTED) {
  Deno.test(`generated vectors hash to the recorded value: ${JSON.stringify(change)}`, () => {
    const { train, test } = vectors({ ...BASE, ...change });
    assert.equal(vectorHash(train, test), expected);
  });
}

Deno.test("same parameters give identical datasets; a different seed does not", async () => {
  const a = await generateDataset(BASE);
  const b = await generateDataset(BASE);
  assert.equal(a.hash, b.hash);
  assert.deepEqual(a.train, b.train);
  assert.deepEqual(a.neighbors, b.neighbors);
  const c = await generateDataset({ ...BASE, seed: 8 });
  assert.notEqual(c.hash, a.hash);
  assert.equal(a.name, "clustered-1500x24-cosine-s7");
  assert.equal(a.train.length, 1500 * 24);
  assert.equal(a.neighbors.length, 30 * 10);
});

Deno.test("rows do not depend on the total size (block streams), queries are not base rows", () => {
  const small = vectors({ ...BASE, size: 1100 });
  const large = vectors(BASE);
  assert.deepEqual(small.train, large.train.subarray(0, 1100 * BASE.dim));
  const rows = new Set<string>();
  for (let r = 0; r < BASE.size; r++) {
    rows.add(large.train.subarray(r * BASE.dim, (r + 1) * BASE.dim).join(","));
  }
  for (let q = 0; q < BASE.queries; q++) {
    assert.ok(!rows.has(large.test.subarray(q * BASE.dim, (q + 1) * BASE.dim).join(",")));
  }
});

Deno.test("cosine rows are unit length; uniform rows lie in [-1, 1)", () => {
  const cosine = vectors(BASE).train;
  for (let r = 0; r < 50; r++) {
    let sum = 0;
    for (let j = 0; j < BASE.dim; j++) sum += cosine[r * BASE.dim + j] ** 2;
    assert.ok(Math.abs(Math.sqrt(sum) - 1) < 1e-6);
  }
  const uniform = vectors({ ...BASE, metric: "l2", distribution: "uniform" }).train;
  assert.ok(uniform.every((x) => x >= -1 && x < 1));
  assert.ok(Math.min(...uniform) < -0.99 && Math.max(...uniform) > 0.99);
});

Deno.test("clustered data has nearer neighbours than uniform data of the same spread", async () => {
  const meanFirst = (d: Float32Array, k: number) => {
    let sum = 0;
    for (let q = 0; q < d.length / k; q++) sum += d[q * k];
    return sum / (d.length / k);
  };
  const clustered = await generateDataset({ ...BASE, clusters: 4 });
  const uniform = await generateDataset({ ...BASE, distribution: "uniform" });
  assert.ok(meanFirst(clustered.distances, 10) < 0.5 * meanFirst(uniform.distances, 10));
});

Deno.test("bad parameters are UsageErrors naming the parameter", async () => {
  const cases: [Partial<GenerateParams>, RegExp][] = [
    [{ size: 0 }, /size must be an integer from 1/],
    [{ k: 1501 }, /k must be an integer from 1 to 1500/],
    [{ metric: "hamming" as never }, /unknown metric 'hamming'/],
    [{ clusters: 0 }, /clusters must be/],
    [{ seed: -1 }, /seed must be/],
    [{ dim: 1.5 }, /dim must be/],
  ];
  for (const [change, message] of cases) {
    await assert.rejects(generateDataset({ ...BASE, ...change }), (err: Error) => {
      assert.ok(err instanceof UsageError, String(err));
      assert.match(err.message, message);
      return true;
    });
  }
});

const hasNumpy = await hasPythonModules("numpy");
for (const [change, expected] of EXPECTED) {
  Deno.test({
    name: `an independent Python implementation gives the same bytes: ${JSON.stringify(change)}`,
    ignore: !hasNumpy,
    async fn() {
      const p = { ...BASE, ...change };
      const args = [p.size, p.dim, p.queries, p.metric, p.distribution, p.clusters, p.seed];
      const result = await runPython([
        new URL("./fixtures/independent_generator.py", import.meta.url).pathname,
        ...args.map(String),
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), expected);
    },
  });
}
if (!hasNumpy) {
  console.warn("skipping the Python cross-check: /usr/bin/python3 cannot import numpy");
}
