/**
 * Cost of the reference server's float-heavy answers: GET …/docs/:id (a whole vector) and
 * queries (k distances), closed loop. Prints per route: requests/s, p50, mean response bytes and
 * server CPU ms per request (from /proc: steadier than req/s on a shared machine). `--repo DIR`
 * runs the server from another checkout of akibench, to compare two versions on one client.
 *
 *   deno run -A bench/response_encoding.ts [--repo .] [--docs 10000] [--dim 128]
 *     [--seconds 10] [--clients 8] [--ks 10,100]
 */
import { parseArgs } from "node:util";
import { Http1Pool } from "../src/targets/http1_pool.ts";
import { cpuSeconds, spawnServer } from "./server/child_server.ts";
import { START_LINE } from "../src/server/start_line.ts";
import { closedLoop, quantile } from "./server/fixed_rate.ts";
import { mulberry32 } from "../src/random/seeded_random.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    repo: { type: "string", default: new URL("..", import.meta.url).pathname },
    docs: { type: "string", default: "10000" },
    dim: { type: "string", default: "128" },
    seconds: { type: "string", default: "10" },
    clients: { type: "string", default: "8" },
    ks: { type: "string", default: "10,100" },
  },
});
const docs = Number(flags.docs), dim = Number(flags.dim), seconds = Number(flags.seconds);
const random = mulberry32(42);
const docId = (n: number) => `0190a0b0-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;
const vector = () => Array.from({ length: dim }, () => Math.fround(random() * 2 - 1));
const JSON_HEADERS = { "content-type": "application/json" };

const dataDir = await Deno.makeTempDir({ prefix: "akibench-bench-" });
const server = await spawnServer(Deno.execPath(), [
  "run",
  "-A",
  `${flags.repo}/src/cli/main.ts`,
  "serve",
  "--port",
  "0",
  "--data-dir",
  dataDir,
], { urlPattern: START_LINE });
const pool = new Http1Pool(server.url);
try {
  const created = await pool.send(
    "POST",
    "/api/v1/collections",
    JSON_HEADERS,
    JSON.stringify({ name: "bench", dimension: dim, metric: "cosine" }),
  );
  const collection = JSON.parse(created.text).collection_id;
  for (let from = 0; from < docs; from += 500) {
    const batch = Array.from(
      { length: Math.min(500, docs - from) },
      (_, i) => ({ doc_id: docId(from + i), vector: vector() }),
    );
    const res = await pool.send(
      "POST",
      `/api/v1/collections/${collection}/insert_batch`,
      JSON_HEADERS,
      JSON.stringify({ docs: batch }),
    );
    if (res.status !== 200) throw new Error(`insert_batch: ${res.status} ${res.text}`);
  }
  const queries = Array.from({ length: 200 }, () => JSON.stringify({ query_vector: vector() }));
  const phases: [string, (i: number) => Promise<number>][] = [
    ["get", async (i) => {
      const path = `/api/v1/collections/${collection}/docs/${docId((i * 7919) % docs)}`;
      const res = await pool.send("GET", path, {}, undefined);
      if (res.status !== 200) throw new Error(`get ${res.status}`);
      return res.text.length;
    }],
    ...flags.ks.split(",").map(Number).map((k): [string, (i: number) => Promise<number>] => [
      `query k=${k}`,
      async (i) => {
        const body = `${queries[i % queries.length].slice(0, -1)},"top_k":${k}}`;
        const res = await pool.send(
          "POST",
          `/api/v1/collections/${collection}/query`,
          JSON_HEADERS,
          body,
        );
        if (res.status !== 200) throw new Error(`query ${res.status}`);
        return res.text.length;
      },
    ]),
  ];
  console.log(`server from ${flags.repo}: ${docs} × ${dim} cosine, ${flags.clients} clients`);
  for (const [name, send] of phases) {
    await closedLoop(Number(flags.clients), 1, async (i) => void await send(i)); // warm-up
    let bytes = 0;
    const cpuBefore = cpuSeconds(server.child.pid);
    const result = await closedLoop(Number(flags.clients), seconds, async (i) => {
      const length = await send(i); // not `bytes += await …`: that adds to a stale `bytes`
      bytes += length;
    });
    const cpuMs = (cpuSeconds(server.child.pid) - cpuBefore) * 1000;
    const n = result.latenciesMs.length;
    console.log(
      `${name.padEnd(12)} ${result.throughput.toFixed(0).padStart(6)} req/s  p50 ${
        quantile(result.latenciesMs, 0.5).toFixed(2)
      } ms  ${(bytes / n).toFixed(0).padStart(6)} B/response  server CPU ${
        (cpuMs / n).toFixed(3)
      } ms/request  errors ${result.errors}`,
    );
  }
} finally {
  pool.close();
  server.child.kill("SIGTERM");
  await server.child.status;
  await Deno.remove(dataDir, { recursive: true });
}
