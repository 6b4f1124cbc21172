/**
 * What each target adapter costs the load generator per search, and what bounds it. Starts the
 * embedded server of each --targets name (always a separate process, so this process's CPU is
 * the client's alone), loads --rows vectors of --dim dimensions (cosine), then, --concurrency in
 * flight, --searches times each, measures this process's CPU time (user + system, all its
 * threads) per call of:
 *
 * - search: the adapter's search (request from the query's pre-formatted text, the transport
 *   the engine uses: the HTTP/1.1 pool, postgres.js over PgSocket; the answer parsed into
 *   hits). The engine's own work (schedule, recorder) is not in it: bench/engine_cpu.ts.
 * - bare wire: the same request bytes on bare Deno.connect sockets, answers read to their end
 *   unparsed (bench/wire_floor.ts): the floor of Deno's runtime and the kernel for this
 *   exchange with this server, which no Deno client can go below.
 * - above wire: search − bare wire, the adapter's own share (encoding, parsing, pool, client).
 * - tiny: the cheapest request through the adapter's own client (GET /health,
 *   GET /api/v2/heartbeat, SELECT 1).
 * - idle: this process's CPU per second doing nothing (V8 and runtime threads), for scale.
 *
 * The goal is ≤ 50 µs per search at 512-d. The queries' texts are formatted before the timed
 * part, as a run formats the dataset's queries before its schedule (encodeAhead); formatting a
 * fresh vector on the send path (a run's unmeasured searches) costs what the first line says.
 * The CPU a wake-up costs grows with the idle time before it: a slow server (few searches/s)
 * raises every row, the bare wire's too, so compare rows of one target, not across targets.
 *
 *   deno run -A bench/adapter_cpu.ts [--targets reference,chroma,pgvector] [--dim 512]
 *     [--rows 2000] [--searches 3000] [--concurrency 8] [--pg-url postgres://…]
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { AkidbTarget } from "../src/targets/akidb.ts";
import { ChromaTarget } from "../src/targets/chroma.ts";
import { PgvectorTarget } from "../src/targets/pgvector.ts";
import { openTarget } from "../src/targets/registry.ts";
import type { ScenarioTarget } from "../src/targets/scenario_target.ts";
import type { Document } from "../src/targets/target.ts";
import { encodeAhead, vectorText } from "../src/targets/vector_text.ts";
import { httpWireFloor, pgWireFloor, type WireFloor } from "./wire_floor.ts";

const { values } = parseArgs({
  options: {
    targets: { type: "string", default: "reference,chroma,pgvector" },
    dim: { type: "string", default: "512" },
    rows: { type: "string", default: "2000" },
    searches: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "8" },
    "pg-url": { type: "string" },
  },
  strict: true,
});
const dim = Number(values.dim);
const rows = Number(values.rows);
const searches = Number(values.searches);
const concurrency = Number(values.concurrency);
const K = 10;

function randomVector(): Float32Array {
  return Float32Array.from({ length: dim }, () => Math.random() * 2 - 1);
}

interface Cost {
  total: number;
  user: number;
  system: number;
  rate: number;
}

/**
 * This process's CPU per call of `call`, --searches calls with --concurrency in flight, after
 * a warm-up (JIT, connections, server caches).
 */
async function measure(call: (i: number) => Promise<unknown>): Promise<Cost> {
  const run = async (n: number) => {
    let next = 0;
    const worker = async () => {
      while (next < n) await call(next++);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await run(Math.min(500, searches));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(searches);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  return {
    total: (cpu.user + cpu.system) / searches,
    user: cpu.user / searches,
    system: cpu.system / searches,
    rate: searches / seconds,
  };
}

/** This process's CPU per second while its event loop waits on a timer. */
async function idleCpu(): Promise<number> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / ((performance.now() - t0) / 1000);
}

/** The cheapest request through the target's own connections. */
function tinyRoundTrip(target: ScenarioTarget): () => Promise<unknown> {
  if (target instanceof PgvectorTarget) return () => target.sql`SELECT 1`;
  if (target instanceof ChromaTarget) {
    return () => target.http.call("GET", "/api/v2/heartbeat", undefined);
  }
  if (target instanceof AkidbTarget) return () => target.http.call("GET", "/health", undefined);
  throw new Error(`no tiny round trip for ${target.name}`);
}

/** The target's search requests for `queries`, as bytes on bare sockets. */
async function wireFloor(
  target: ScenarioTarget,
  collectionId: string,
  queries: Float32Array[],
): Promise<WireFloor> {
  if (target instanceof PgvectorTarget) {
    const sql = await target.searchSql(collectionId);
    // target.url hides a password: the embedded PGlite has none, --pg-url is given whole.
    return await pgWireFloor(
      values["pg-url"] ?? target.url,
      sql,
      queries.map((q) => [vectorText(q), String(K)]),
    );
  }
  if (target instanceof ChromaTarget || target instanceof AkidbTarget) {
    return await httpWireFloor(
      target.url,
      queries.map((q) => target.searchRequest(collectionId, q, K)),
      concurrency,
    );
  }
  throw new Error(`no bare wire for ${target.name}`);
}

const us = (n: number) => n.toFixed(1).padStart(6);
const cost = (c: Cost) =>
  `${us(c.total)} (${us(c.user)} user ${us(c.system)} sys) ${c.rate.toFixed(0).padStart(5)}/s`;

const queries = Array.from({ length: 100 }, randomVector);
const fresh = Array.from({ length: 1000 }, randomVector);
for (const v of fresh.slice(0, 100)) vectorText(v); // warm-up
const cpuFormat = process.cpuUsage();
for (const v of fresh) vectorText(v);
const format = process.cpuUsage(cpuFormat);
console.log(
  `formatting a fresh ${dim}-d vector costs ${
    ((format.user + format.system) / fresh.length).toFixed(1)
  } µs (not in the numbers below: their queries are formatted ahead)`,
);
console.log(
  `client CPU µs per call, ${dim}-d, top ${K}, ${rows} rows, ${concurrency} in flight, ` +
    `${searches} calls; idle: this process's CPU per second at rest`,
);
encodeAhead(queries);
for (const name of values.targets.split(",")) {
  const url = name === "pgvector" ? values["pg-url"] : undefined;
  const target = await openTarget(name, { poolSize: concurrency, url });
  try {
    const id = await target.createCollection({
      name: `akibench-cpu-${name}`,
      dimension: dim,
      metric: "cosine",
    });
    for (let start = 0; start < rows; start += 256) {
      const docs: Document[] = Array.from(
        { length: Math.min(256, rows - start) },
        () => ({ id: crypto.randomUUID(), vector: randomVector() }),
      );
      if (target.insertBatch && (await target.features()).batch_insert) {
        await target.insertBatch(id, docs);
      } else {
        for (const d of docs) await target.insert(id, d);
      }
    }
    // Two rounds, the second printed: the first also waits out the server's work after the
    // load (index merges) that would make whichever ran first look slower. The bare sockets
    // open right before their measurement (a server closes connections left idle).
    let search: Cost;
    let wire: Cost;
    for (let round = 0; round < 2; round++) {
      search = await measure((i) => target.search(id, queries[i % queries.length], K));
      const floor = await wireFloor(target, id, queries);
      try {
        wire = await measure((i) => floor.send(i));
      } finally {
        floor.close();
      }
    }
    const tiny = await measure(tinyRoundTrip(target));
    const idle = await idleCpu();
    console.log(`${name}  [${await target.version()}]`);
    console.log(`  search      ${cost(search!)}`);
    console.log(`  bare wire   ${cost(wire!)}`);
    console.log(`  above wire  ${us(search!.total - wire!.total)}`);
    console.log(`  tiny        ${cost(tiny)}`);
    console.log(
      `  idle        ${idle.toFixed(0)} µs/s (${(idle / search!.rate).toFixed(1)} µs per search ` +
        `at the search rate)`,
    );
    await target.deleteCollection(id);
  } finally {
    await target.close();
  }
}
