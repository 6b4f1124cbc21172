/**
 * Benchmark of the reference server and its peers (Chroma 1.0, pgvector in PGlite, as
 * `--target chroma|pgvector` starts them) on clustered cosine data, each driven the same way:
 * open-model search latency at fixed rates, recall@10 against exact ground truth, max search
 * QPS (closed loop), acknowledged single-document inserts/s with 10 clients, RSS at rest, restart
 * time (reference). With `--ef`, instead: recall@10 and max search QPS of each target at each
 * search beam width (a fresh server each), and each target's best QPS at equal recall@10.
 *
 *   deno run -A bench/server.ts [--sizes 10000,100000] [--dim 512] [--rates 100,500]
 *     [--seconds 10] [--clients 8] [--queries 200] [--targets reference,chroma,pgvector]
 *     [--ef 16,32,64,128,256 [--recall-floors 0.9,0.95,0.99]] [--seed 42]
 */
import { parseArgs } from "node:util";
import { generateDataset } from "../src/dataset/generate.ts";
import type { Dataset } from "../src/dataset/dataset.ts";
import { type BenchPeer, closeConnections, vectorJson } from "./server/bench_peer.ts";
import { ChromaPeer } from "./server/chroma_peer.ts";
import { cpuSeconds, rssBytes } from "./server/child_server.ts";
import { efSweep, sweepTable } from "./server/ef_sweep.ts";
import { closedLoop, fixedRate, type PhaseResult, quantile } from "./server/fixed_rate.ts";
import { PgvectorPeer } from "./server/pgvector_peer.ts";
import { ReferencePeer } from "./server/reference_peer.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    sizes: { type: "string", default: "10000,100000" },
    dim: { type: "string", default: "512" },
    rates: { type: "string", default: "100,500" },
    seconds: { type: "string", default: "10" },
    clients: { type: "string", default: "8" },
    queries: { type: "string", default: "200" },
    seed: { type: "string", default: "42" },
    targets: { type: "string", default: "reference,chroma,pgvector" },
    ef: { type: "string" },
    "recall-floors": { type: "string", default: "0.9,0.95,0.99" },
  },
});
const targets = flags.targets.split(",");
for (const t of targets) {
  if (!["reference", "chroma", "pgvector"].includes(t)) {
    console.error(`--targets: unknown target '${t}' (reference, chroma, pgvector)`);
    Deno.exit(2);
  }
}
const dim = Number(flags.dim);
const seconds = Number(flags.seconds);
const clients = Number(flags.clients);

/** Insert bodies prepared per second of an insert phase (the reference does ~3,000/s here). */
const POOL_ROWS_PER_SECOND = 6000;

const testRows = new WeakMap<Dataset, Float32Array[]>();
/** Row `i` of the base set, or query `i` (query views are reused so their JSON is cached). */
function row(d: Dataset, which: "train" | "test", i: number): Float32Array {
  if (which === "train") return d.train.subarray(i * dim, (i + 1) * dim);
  let rows = testRows.get(d);
  if (!rows) {
    rows = Array.from({ length: d.queries }, (_, q) => d.test.subarray(q * dim, (q + 1) * dim));
    testRows.set(d, rows);
  }
  return rows[i];
}
const ms = (x: number) => x.toFixed(2);
const latency = (r: PhaseResult) =>
  `p50 ${ms(quantile(r.latenciesMs, 0.5))} / p95 ${ms(quantile(r.latenciesMs, 0.95))} / p99 ${
    ms(quantile(r.latenciesMs, 0.99))
  } ms (achieved ${r.throughput.toFixed(0)}/s, errors ${r.errors}, max send lag ${
    ms(r.maxLagMs)
  } ms)`;

async function recallAt10(peer: BenchPeer, d: Dataset): Promise<number> {
  let hits = 0;
  for (let q = 0; q < d.queries; q++) {
    const got = await peer.query("bench", row(d, "test", q), 10);
    const truth = new Set(d.neighbors.subarray(q * d.k, q * d.k + 10));
    hits += got.filter((id) => truth.has(id)).length;
  }
  return hits / (d.queries * 10);
}

/**
 * RSS is read with the server at rest, a second after the last request: the reference server
 * gives the memory a bulk load or recovery leaves behind back to the OS once it is quiet.
 */
function atRest(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1000));
}

async function benchPeer(peer: BenchPeer, d: Dataset): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { peer: peer.name, size: d.size, dim };
  const log = (line: string) => console.log(`[${peer.name} ${d.size}x${dim}] ${line}`);
  await peer.createCollection("bench", dim);
  let t = performance.now();
  for (let from = 0; from < d.size; from += 2000) {
    await peer.addBatch("bench", from, Math.min(2000, d.size - from), (i) => row(d, "train", i));
  }
  out.loadSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await peer.waitIndexed();
  out.indexWaitSeconds = (performance.now() - t) / 1000;
  log(
    `bulk load ${(out.loadSeconds as number).toFixed(1)} s, index build wait ${
      (out.indexWaitSeconds as number).toFixed(1)
    } s`,
  );
  await atRest();
  const rss = rssBytes(peer.pid());
  const raw = d.size * dim * 4;
  out.rssBytes = rss;
  out.rssOverRaw = rss / raw;
  log(
    `RSS ${(rss / 2 ** 20).toFixed(0)} MiB = ${(rss / raw).toFixed(2)} x raw vectors (${
      (rss / 2 ** 20 / (d.size / 1e5)).toFixed(0)
    } MiB per 100k)`,
  );
  if (peer instanceof PgvectorPeer) log(await peer.describe("bench", row(d, "test", 0)));
  out.recallAt10 = await recallAt10(peer, d);
  log(`recall@10 ${(out.recallAt10 as number).toFixed(4)} over ${d.queries} queries`);
  const search = (i: number) =>
    peer.query("bench", row(d, "test", i % d.queries), 10).then(() => {});
  for (const rate of flags.rates.split(",").map(Number)) {
    const r = await fixedRate(rate, seconds, search);
    out[`search@${rate}qps`] = {
      p50: quantile(r.latenciesMs, 0.5),
      p95: quantile(r.latenciesMs, 0.95),
      p99: quantile(r.latenciesMs, 0.99),
      errors: r.errors,
    };
    log(`search @${rate} QPS open model: ${latency(r)}`);
  }
  let cpu = cpuSeconds(peer.pid());
  const max = await closedLoop(clients, seconds, search);
  out.maxSearchQps = max.throughput;
  out.serverCpuMsPerQuery = ((cpuSeconds(peer.pid()) - cpu) * 1000) / max.latenciesMs.length;
  log(
    `max search QPS (${clients} closed-loop clients): ${max.throughput.toFixed(0)}, ${
      latency(max)
    }; server CPU ${(out.serverCpuMsPerQuery as number).toFixed(2)} ms/query`,
  );
  if (peer instanceof ReferencePeer) {
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      const restart = await peer.restart(signal, "bench", row(d, "test", 0));
      out[`restartMs_${signal}`] = restart;
      await atRest();
      const restartedRss = rssBytes(peer.pid());
      out[`rssAfterRestart_${signal}`] = restartedRss;
      log(
        `restart after ${signal}: ${restart.toFixed(0)} ms until the first query is answered; RSS ${
          (restartedRss / 2 ** 20).toFixed(0)
        } MiB = ${(restartedRss / raw).toFixed(2)} x raw`,
      );
    }
  }
  // The insert phases' vectors are turned into JSON before they start, as wrk and autocannon
  // build their requests beforehand: 512 floats cost the client ~70 µs, on the cores the server
  // needs. The pool covers POOL_ROWS_PER_SECOND; ids stay unique beyond it, vectors repeat.
  const pool = Array.from(
    { length: Math.min(d.size, seconds * POOL_ROWS_PER_SECOND) },
    (_, i) => row(d, "train", i),
  );
  for (const v of pool) vectorJson(v);
  const pooled = (i: number) => pool[i % pool.length];
  await peer.createCollection("inserts", dim);
  cpu = cpuSeconds(peer.pid());
  const ins = await closedLoop(10, seconds, async (i) => {
    await peer.addOne("inserts", i, pooled(i));
  });
  out.insertsPerSecond = ins.throughput;
  out.serverCpuMsPerInsert = ((cpuSeconds(peer.pid()) - cpu) * 1000) / ins.latenciesMs.length;
  let caughtUp = "";
  if (peer instanceof ReferencePeer) { // Chroma does not expose its indexing backlog
    const started = performance.now();
    await peer.waitIndexed();
    const catchUpMs = performance.now() - started;
    out.indexCatchUpMs = catchUpMs;
    caughtUp = `; index caught up ${(catchUpMs / 1000).toFixed(1)} s after the last ack`;
  }
  log(
    `acknowledged single inserts/s (10 clients): ${ins.throughput.toFixed(0)}, ${
      latency(ins)
    }; server CPU ${(out.serverCpuMsPerInsert as number).toFixed(2)} ms/insert${caughtUp}`,
  );
  await peer.createCollection("batches", dim);
  const batches = await closedLoop(10, seconds, async (i) => {
    await peer.addBatch("batches", i * 100, 100, pooled);
  }, Math.floor(d.size / 100));
  out.batchInsertsPerSecond = batches.throughput * 100;
  log(
    `acknowledged inserts/s as 100-document batches (10 clients): ${
      (batches.throughput * 100).toFixed(0)
    }`,
  );
  return out;
}

/** Starts `target` (with search beam width `ef`, else its default) on a fresh data folder. */
async function startPeer(target: string, ef?: number): Promise<BenchPeer> {
  if (target === "chroma") {
    return await ChromaPeer.start(20_000 + Math.floor(Math.random() * 20_000), ef);
  }
  if (target === "pgvector") return await PgvectorPeer.start(ef);
  const dataDir = await Deno.makeTempDir({ prefix: "akibench-bench-ref-" });
  return await ReferencePeer.start(dataDir, ef === undefined ? [] : ["--ef-search", String(ef)]);
}

/** Loads `d` into collection "bench" of `peer` and waits until it is indexed. */
async function load(peer: BenchPeer, d: Dataset): Promise<void> {
  await peer.createCollection("bench", dim);
  for (let from = 0; from < d.size; from += 2000) {
    await peer.addBatch("bench", from, Math.min(2000, d.size - from), (i) => row(d, "train", i));
  }
  await peer.waitIndexed();
}

const results: Record<string, unknown>[] = [];
console.log(`machine: ${navigator.hardwareConcurrency} cores, deno ${Deno.version.deno}`);
for (const size of flags.sizes.split(",").map(Number)) {
  const t = performance.now();
  const d = await generateDataset({
    size,
    dim,
    queries: Number(flags.queries),
    k: 10,
    metric: "cosine",
    distribution: "clustered",
    clusters: 64,
    seed: Number(flags.seed),
  });
  console.log(`dataset ${d.name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  if (flags.ef !== undefined) {
    const points = await efSweep(
      {
        startLoaded: async (target, ef) => {
          const peer = await startPeer(target, ef);
          await load(peer, d).catch(async (err) => {
            await peer.close();
            throw err;
          });
          if (peer instanceof PgvectorPeer) {
            console.log(`[sweep pgvector] ${await peer.describe("bench", row(d, "test", 0))}`);
          }
          return peer;
        },
        recallAt10: (peer) => recallAt10(peer, d),
        search: (peer, i) => peer.query("bench", row(d, "test", i % d.queries), 10).then(() => {}),
      },
      targets,
      flags.ef.split(",").map(Number),
      clients,
      seconds,
      (line) => console.log(`[${d.size}x${dim}] ${line}`),
    );
    console.log(sweepTable(points, flags["recall-floors"].split(",").map(Number)));
    results.push({ size: d.size, dim, sweep: points });
    continue;
  }
  for (const target of targets) {
    const peer = await startPeer(target);
    try {
      results.push(await benchPeer(peer, d));
    } finally {
      await peer.close();
    }
  }
}
closeConnections();
console.log(JSON.stringify(results, null, 2));
