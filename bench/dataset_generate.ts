/**
 * Generation speed of the dataset generator without ground truth: base + query vectors,
 * content hash, and the chunked HDF5 write. Goal: 1,000,000 × 512 in under 60 s, with memory
 * near 1× the vector bytes (the file is written in slices, never copied whole).
 *
 *   deno run -A bench/dataset_generate.ts [--size 1000000] [--dim 512] [--queries 1000]
 */
import { parseArgs } from "node:util";
import { contentHash } from "../src/dataset/content_hash.ts";
import type { GenerateParams } from "../src/dataset/dataset.ts";
import { generateCentres, generateVectors } from "../src/dataset/generate_vectors.ts";
import { createHdf5 } from "../src/dataset/hdf5_file.ts";
import { writeMatrix } from "../src/dataset/hdf5_matrix.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    size: { type: "string", default: "1000000" },
    dim: { type: "string", default: "512" },
    queries: { type: "string", default: "1000" },
  },
});
const params: GenerateParams = {
  size: Number(values.size),
  dim: Number(values.dim),
  queries: Number(values.queries),
  k: 1,
  metric: "cosine",
  distribution: "clustered",
  clusters: 100,
  seed: 42,
};
const { size, dim, queries } = params;
let peakRss = 0;
const sampler = setInterval(() => peakRss = Math.max(peakRss, Deno.memoryUsage().rss), 200);
const path = await Deno.makeTempFile({ suffix: ".hdf5" });
const seconds = (from: number) => (performance.now() - from) / 1000;

const t0 = performance.now();
const centres = generateCentres(params);
const train = new Float32Array(size * dim);
generateVectors(params, centres, "base", train);
const test = new Float32Array(queries * dim);
generateVectors(params, centres, "queries", test);
const tGenerate = seconds(t0);

const t1 = performance.now();
const hash = contentHash({
  metric: params.metric,
  size,
  dim,
  queries,
  k: 0,
  train,
  test,
  neighbors: new Int32Array(0),
  distances: new Float32Array(0),
});
const tHash = seconds(t1);

const t2 = performance.now();
const file = await createHdf5(path);
writeMatrix(file, "train", train, size, dim);
writeMatrix(file, "test", test, queries, dim);
file.close();
const tWrite = seconds(t2);
clearInterval(sampler);
peakRss = Math.max(peakRss, Deno.memoryUsage().rss);

const vectorBytes = (size + queries) * dim * 4;
const fileBytes = (await Deno.stat(path)).size;
await Deno.remove(path);
const total = tGenerate + tHash + tWrite;
console.log(`dataset generate ${size} × ${dim} (+${queries} queries), clustered cosine, seed 42`);
console.log(`  generate vectors  ${tGenerate.toFixed(2)} s`);
console.log(`  content hash      ${tHash.toFixed(2)} s`);
console.log(`  write HDF5        ${tWrite.toFixed(2)} s (${(fileBytes / 2 ** 20).toFixed(0)} MiB)`);
console.log(`  total             ${total.toFixed(2)} s (goal < 60 s)`);
console.log(
  `  peak RSS          ${(peakRss / 2 ** 20).toFixed(0)} MiB = ` +
    `${(peakRss / vectorBytes).toFixed(2)} × vector bytes (goal ≤ ~3×)`,
);
console.log(`  hash              ${hash}`);
