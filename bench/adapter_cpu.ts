/**
 * What each target adapter costs the load generator per search: starts the embedded server of
 * each --targets name (a separate process), loads --rows vectors of --dim dimensions (cosine),
 * then sends --searches searches, --concurrency at a time, and prints this process's CPU time
 * (user + system) per search: the adapter's request encoding, transport and response parsing.
 * The goal is ≤ 50 µs per search at 512-d. The queries' texts are formatted before the timed
 * part, as a run formats the dataset's queries before its schedule (encodeAhead); the cost of
 * formatting a vector on the send path (a run's unmeasured searches) is printed beside, and so
 * is the floor under each adapter: the CPU of a bare round trip through its own connections
 * (GET /health, GET /api/v2/heartbeat, SELECT 1), which no search can cost less than.
 *
 *   deno run -A bench/adapter_cpu.ts [--targets reference,chroma,pgvector] [--dim 512]
 *     [--rows 2000] [--searches 3000] [--concurrency 8]
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

const { values } = parseArgs({
  options: {
    targets: { type: "string", default: "reference,chroma,pgvector" },
    dim: { type: "string", default: "512" },
    rows: { type: "string", default: "2000" },
    searches: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "8" },
  },
  strict: true,
});
const dim = Number(values.dim);
const rows = Number(values.rows);
const searches = Number(values.searches);
const concurrency = Number(values.concurrency);

function randomVector(): Float32Array {
  return Float32Array.from({ length: dim }, () => Math.random() * 2 - 1);
}

/**
 * This process's CPU per call of `call`, --searches calls with --concurrency in flight, after
 * a warm-up (JIT, connections, server caches).
 */
async function measure(call: (i: number) => Promise<unknown>) {
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

/** The cheapest request through the target's own connections. */
function bareRoundTrip(target: ScenarioTarget): () => Promise<unknown> {
  if (target instanceof PgvectorTarget) return () => target.sql`SELECT 1`;
  if (target instanceof ChromaTarget) {
    return () => target.http.call("GET", "/api/v2/heartbeat", undefined);
  }
  if (target instanceof AkidbTarget) return () => target.http.call("GET", "/health", undefined);
  throw new Error(`no bare round trip for ${target.name}`);
}

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
encodeAhead(queries);
for (const name of values.targets.split(",")) {
  const target = await openTarget(name, { poolSize: concurrency });
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
    const search = (i: number) => target.search(id, queries[i % queries.length], 10);
    const searchCpu = await measure(search);
    const floor = await measure(bareRoundTrip(target));
    console.log(
      `${name.padEnd(10)} client CPU ${searchCpu.total.toFixed(1)} µs/search (user ${
        searchCpu.user.toFixed(1)
      }, system ${searchCpu.system.toFixed(1)})  ${searchCpu.rate.toFixed(0)} searches/s; ` +
        `bare round trip ${floor.total.toFixed(1)} µs (user ${floor.user.toFixed(1)}, system ${
          floor.system.toFixed(1)
        })  ${dim}-d, ${rows} rows, ${concurrency} in flight  [${await target.version()}]`,
    );
    await target.deleteCollection(id);
  } finally {
    await target.close();
  }
}
