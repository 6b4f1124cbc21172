/**
 * Generation speed of the dataset generator without ground truth: base + query vectors,
 * content hash, and the chunked HDF5 write. Goal: 1,000,000 × 512 in under 60 s, with memory
 * near 1× the vector bytes (the file is written in slices, never copied whole). Afterwards it
 * reads the train matrix back and checks it is identical (timed, but not part of the goal).
 *
 *   deno run -A bench/dataset_generate.ts [--size 1000000] [--dim 512] [--queries 1000]
 */
import { parseArgs } from "node:util";
import { contentHash } from "../src/dataset/content_hash.ts";
import type { GenerateParams } from "../src/dataset/dataset.ts";
import { generateCentres, generateVectors } from "../src/dataset/generate_vectors.ts";
import { createHdf5, openHdf5ForReading } from "../src/dataset/hdf5_file.ts";
import { readMatrix, writeMatrix } from "../src/dataset/hdf5_matrix.ts";
import { readProcessStatsSync } from "../src/metrics/process_stats.ts";

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
/** This process's user + system CPU seconds (Linux /proc), to separate work from waiting. */
function cpuSeconds(): number {
  return readProcessStatsSync("self")!.cpuSeconds;
}
const phase = (wall: number, cpu: number) => `${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU`;

const c0 = cpuSeconds();
const t0 = performance.now();
const centres = generateCentres(params);
const train = new Float32Array(size * dim);
generateVectors(params, centres, "base", train);
const test = new Float32Array(queries * dim);
generateVectors(params, centres, "queries", test);
const tGenerate = seconds(t0);
const cGenerate = cpuSeconds() - c0;

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
const cHash = cpuSeconds() - c0 - cGenerate;

const t2 = performance.now();
const file = await createHdf5(path);
writeMatrix(file, "train", train, size, dim);
writeMatrix(file, "test", test, queries, dim);
file.close();
const tWrite = seconds(t2);
const cWrite = cpuSeconds() - c0 - cGenerate - cHash;
clearInterval(sampler);
peakRss = Math.max(peakRss, Deno.memoryUsage().rss);

const vectorBytes = (size + queries) * dim * 4;
const fileBytes = (await Deno.stat(path)).size;

// Not part of the goal: read the train matrix back (as readDataset does) and compare.
const t3 = performance.now();
const c3 = cpuSeconds();
const reader = await openHdf5ForReading(path);
const back = readMatrix(reader, path, "train", (n) => new Float32Array(n));
reader.close();
const tRead = seconds(t3);
const cRead = cpuSeconds() - c3;
const identical = back.data.length === train.length && back.data.every((x, i) => x === train[i]);
await Deno.remove(path);
const total = tGenerate + tHash + tWrite;
console.log(`dataset generate ${size} × ${dim} (+${queries} queries), clustered cosine, seed 42`);
console.log(`  generate vectors  ${phase(tGenerate, cGenerate)}`);
console.log(`  content hash      ${phase(tHash, cHash)}`);
console.log(
  `  write HDF5        ${phase(tWrite, cWrite)} (${(fileBytes / 2 ** 20).toFixed(0)} MiB)`,
);
console.log(`  total             ${phase(total, cGenerate + cHash + cWrite)} (goal < 60 s)`);
console.log(
  `  peak RSS          ${(peakRss / 2 ** 20).toFixed(0)} MiB = ` +
    `${(peakRss / vectorBytes).toFixed(2)} × vector bytes (goal ≤ ~3×)`,
);
console.log(`  hash              ${hash}`);
console.log(
  `  read train back   ${phase(tRead, cRead)}, ${identical ? "identical" : "DIFFERENT"}`,
);
