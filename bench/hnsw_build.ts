/**
 * How fast the reference server's HNSW graph takes vectors: usearch `add` with the server's
 * default index parameters (M 16, ef_construction 128, i8 for cosine; see collection_meta.ts)
 * on clustered 512-d cosine vectors from the dataset generator, in batches like the server's
 * merge, on one thread (what the server does: usearch #735) and, for the bound, on two.
 * Prints vectors/s per slice of the build, so the slow-down as the graph grows shows.
 *
 *   deno run -A bench/hnsw_build.ts [--size 100000] [--dim 512] [--threads 1,2]
 */
import { parseArgs } from "node:util";
import usearch from "usearch";
import { generateCentres, generateVectors } from "../src/dataset/generate_vectors.ts";
import { DEFAULT_INDEX_PARAMS, indexParamsFor } from "../src/server/collection_meta.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    size: { type: "string", default: "100000" },
    dim: { type: "string", default: "512" },
    threads: { type: "string", default: "1,2" },
  },
});
const size = Number(values.size), dim = Number(values.dim);
const params = {
  size,
  dim,
  queries: 0,
  k: 1,
  metric: "cosine" as const,
  distribution: "clustered" as const,
  clusters: 1024,
  seed: 16,
};
const vectors = new Float32Array(size * dim);
generateVectors(params, generateCentres(params), "base", vectors);
const index = indexParamsFor(DEFAULT_INDEX_PARAMS, "cosine");
const BATCH = 1000;
const SLICES = 10;
for (const threads of values.threads.split(",").map(Number)) {
  const graph = new usearch.Index(
    {
      metric: usearch.MetricKind.Cos,
      dimensions: dim,
      connectivity: index.m,
      expansion_add: index.efConstruction,
      expansion_search: index.efSearch,
      quantization: index.quantization,
      multi: false,
    } as ConstructorParameters<typeof usearch.Index>[0],
  );
  const started = performance.now();
  let sliceStart = started;
  const slice = Math.max(BATCH, Math.floor(size / SLICES / BATCH) * BATCH);
  const rates: string[] = [];
  for (let s = 0; s < size; s += BATCH) {
    const n = Math.min(BATCH, size - s);
    const keys = BigUint64Array.from({ length: n }, (_, i) => BigInt(s + i));
    graph.add(keys, vectors.subarray(s * dim, (s + n) * dim), threads);
    if ((s + n) % slice === 0 || s + n === size) {
      const now = performance.now();
      rates.push(
        `${Math.round((s + n) / 1000)}k: ${Math.round(slice / ((now - sliceStart) / 1000))}/s`,
      );
      sliceStart = now;
    }
  }
  const total = (performance.now() - started) / 1000;
  console.log(
    `${threads} thread(s), M ${index.m}, ef_construction ${index.efConstruction}, ${index.quantization}: ` +
      `${size} × ${dim} in ${total.toFixed(1)} s = ${Math.round(size / total)} vectors/s`,
  );
  console.log(`  per slice: ${rates.join(", ")}`);
}
