/**
 * Cost of one exact (graph-less) search in the reference server's CollectionIndex: n random
 * 512-d vectors (cosine) below the exact threshold, k = 10, for each --sizes value. Prints
 * microseconds per search (median of 5 rounds of --searches searches).
 *
 *   deno run -A bench/exact_search.ts [--sizes 100,1000,2000] [--searches 2000]
 */
import { parseArgs } from "node:util";
import { CollectionIndex } from "../src/server/collection_index.ts";
import { DEFAULT_INDEX_PARAMS } from "../src/server/collection_meta.ts";
import { VectorStore } from "../src/server/vector_store.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,1000,2000" },
    searches: { type: "string", default: "2000" },
  },
  strict: true,
});
const DIM = 512;
const searches = Number(values.searches);
let seed = 1;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
const vector = () => Float32Array.from({ length: DIM }, random);

for (const n of values.sizes.split(",").map(Number)) {
  const store = new VectorStore(DIM);
  const index = new CollectionIndex("cosine", DEFAULT_INDEX_PARAMS, store, () => true);
  for (let i = 0; i < n; i++) index.add(store.append(vector()));
  const queries = Array.from({ length: 64 }, vector);
  const rounds: number[] = [];
  let sink = 0;
  for (let round = 0; round < 6; round++) {
    const t0 = performance.now();
    for (let i = 0; i < searches; i++) sink += (await index.search(queries[i & 63], 10, n))[0].slot;
    if (round > 0) rounds.push((performance.now() - t0) * 1000 / searches); // round 0 warms up
  }
  rounds.sort((a, b) => a - b);
  console.log(
    `n ${n}: ${rounds[2].toFixed(1)} µs per search (rounds ${
      rounds.map((r) => r.toFixed(0)).join(", ")
    }) ${sink > 0 ? "" : " "}`,
  );
}
