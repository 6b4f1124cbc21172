/**
 * Does one slow query stall everyone (issue 19 item 7)? Loads n random cosine vectors into the
 * reference server (a child process), waits until they are indexed, then measures top_k 10
 * queries of `--small-clients` closed-loop clients: alone, and while `--heavy-clients` repeat
 * top_k 10,000 queries. Prints small-query p50/p99/max for both phases and the heavy queries'
 * rate. Run it under `flock /tmp/bench.lock` on a shared machine.
 *
 *   deno run -A bench/heavy_query_isolation.ts [--n 100000] [--dim 128] [--seconds 10]
 *     [--small-clients 4] [--heavy-clients 4] [--heavy-k 10000]
 */
import { parseArgs } from "node:util";
import { mulberry32 } from "../src/random/seeded_random.ts";
import { closedLoop, type PhaseResult, quantile } from "./server/fixed_rate.ts";
import { ReferencePeer } from "./server/reference_peer.ts";
import { vectorJson } from "./server/bench_peer.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    n: { type: "string", default: "100000" },
    dim: { type: "string", default: "128" },
    seconds: { type: "string", default: "10" },
    "small-clients": { type: "string", default: "4" },
    "heavy-clients": { type: "string", default: "4" },
    "heavy-k": { type: "string", default: "10000" },
  },
});
const n = Number(flags.n);
const dim = Number(flags.dim);
const seconds = Number(flags.seconds);

function randomVector(seed: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: dim }, () => next() * 2 - 1);
}

const peer = await ReferencePeer.start(await Deno.makeTempDir({ prefix: "akibench-heavy-" }));
try {
  await peer.createCollection("iso", dim);
  let started = performance.now();
  await peer.addBatch("iso", 0, n, (row) => randomVector(row + 1));
  const loadS = (performance.now() - started) / 1000;
  started = performance.now();
  await peer.waitIndexed();
  const indexS = (performance.now() - started) / 1000;
  console.log(
    `loaded ${n} × ${dim} cosine in ${loadS.toFixed(1)} s, indexed ${indexS.toFixed(1)} s more`,
  );
  const queries = Array.from({ length: 64 }, (_, i) => randomVector(1e9 + i));
  const smallPhase = () =>
    closedLoop(Number(flags["small-clients"]), seconds, async (i) => {
      await peer.query("iso", queries[i & 63], 10);
    });
  const report = (label: string, r: PhaseResult) =>
    console.log(
      `${label}: ${r.latenciesMs.length} small queries, p50 ${
        quantile(r.latenciesMs, 0.5).toFixed(1)
      } ms, ` +
        `p99 ${quantile(r.latenciesMs, 0.99).toFixed(1)} ms, max ${
          Math.max(...r.latenciesMs).toFixed(1)
        } ms, errors ${r.errors}`,
    );
  report("small alone", await smallPhase());

  // Each heavy client is a worker (see heavy_query_worker.ts).
  const url = `${peer.collectionUrl("iso")}/query`;
  const workers = Array.from({ length: Number(flags["heavy-clients"]) }, (_, c) => {
    const worker = new Worker(new URL("./server/heavy_query_worker.ts", import.meta.url), {
      type: "module",
    });
    const bodies = Array.from(
      { length: 8 },
      (_, i) =>
        `{"query_vector":${vectorJson(queries[(c * 8 + i) & 63])},"top_k":${flags["heavy-k"]}}`,
    );
    worker.postMessage({ url, bodies });
    return worker;
  });
  const withHeavy = await smallPhase();
  const heavyMs = (await Promise.all(workers.map((worker) =>
    new Promise<number[]>((resolve) => {
      worker.onmessage = (event: MessageEvent<number[]>) => {
        worker.terminate();
        resolve(event.data);
      };
      worker.postMessage("stop");
    })
  ))).flat();
  report(`small with ${flags["heavy-clients"]} heavy clients`, withHeavy);
  console.log(
    `heavy (top_k ${flags["heavy-k"]}): ${heavyMs.length} queries, ${
      (heavyMs.length / seconds).toFixed(1)
    }/s, p50 ${quantile(heavyMs, 0.5).toFixed(0)} ms`,
  );
} finally {
  await peer.close();
}
