/**
 * Where the time of a bulk load goes (issue 16: 1M × 512 at ≥ 10,000 acknowledged vectors/s,
 * client and server on one 2-core machine). Two parts:
 *
 * - stages: each step an inserted vector goes through, timed alone on this thread over the
 *   dataset's first --stage-rows rows in insert_batch bodies of the loader's batch size, in
 *   µs per vector: the client's body (vector text and document JSON), the server's JSON parse
 *   of it, the schema check, the float32 conversion, and the WAL frame (its CRC-32s). Bodies
 *   are handled one at a time, as the loader and the server do (holding them all would time the
 *   garbage collector instead).
 * - load: the scenario's real bulk load (run/setup.ts deploy: the AkiDB adapter's insert_batch,
 *   its batch size and batches in flight) into the embedded reference server (a child process,
 *   as `akibench run` starts it) of --size vectors of 512-d clustered cosine data (the
 *   scalability scenario's dataset, cached in datasets/): acknowledged vectors/s, and the CPU
 *   both processes spent per vector (this one's from process.cpuUsage, the server's from /proc),
 *   with the server's group-commit fdatasync count.
 *
 * With --url, the load goes to a server already running there instead (e.g. one started with
 * `deno run -A --cpu-prof src/cli/main.ts serve`); --pid names its process for the CPU figure.
 *
 *   deno run -A bench/bulk_load.ts [--size 100000] [--clusters 256] [--stage-rows 8192]
 *     [--no-load] [--url http://127.0.0.1:PORT --pid PID]
 */
import { parseArgs } from "node:util";
import { batchBodies } from "../src/targets/akidb.ts";
import { AKIDB_BODY_BYTES } from "../src/server/json_body.ts";
import { insertBatchBody } from "../src/server/schemas.ts";
import { toFloat32Vector } from "../src/server/vector_input.ts";
import { encodeWalRecord } from "../src/server/wal_record.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import { loadScenarioDataset } from "../src/run/scenario_data.ts";
import { planCollections } from "../src/plan/layout.ts";
import { IntegrityLedger } from "../src/run/integrity.ts";
import { deploy, emptyDeployment, LOAD_BATCH } from "../src/run/setup.ts";
import { ReferenceTarget } from "../src/targets/reference.ts";
import { AkidbTarget } from "../src/targets/akidb.ts";
import type { Dataset } from "../src/dataset/dataset.ts";
import type { CollectionMeta } from "../src/server/collection_meta.ts";
import { cpuSeconds } from "./server/child_server.ts";

const { values } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    size: { type: "string", default: "100000" },
    clusters: { type: "string", default: "256" },
    "stage-rows": { type: "string", default: "8192" },
    "no-load": { type: "boolean", default: false },
    url: { type: "string" },
    pid: { type: "string" },
  },
});
const size = Number(values.size);
// The scalability scenario's dataset at this size (same parameters: the cached file is reused).
const scenario = parseScenario(
  `name: Bulk load
seed: 16
duration: 1s
load: { type: constant, qps: 1 }
concurrency: 1
timeout: 5s
mix: { search: 100 }
dataset: { size: ${size}, dim: 512, metric: cosine, clusters: ${values.clusters}, queries: 200, k: 10 }
integrity: false
index_wait: 1s
criteria: [error_rate < 0.1%]
`,
  "bench/bulk_load.ts",
  "full",
);
const dataset = await loadScenarioDataset(scenario, {
  onProgress: (m) => console.log(`dataset: ${m}`),
});
console.log(
  `bulk load, ${size} × ${dataset.dim} clustered cosine, batches of ${LOAD_BATCH.size}, ` +
    `${LOAD_BATCH.inFlight} in flight`,
);
stages(dataset, Math.min(size, Number(values["stage-rows"])));
if (!values["no-load"]) await load();

/** Per-stage µs per vector, each stage alone on this thread. */
function stages(dataset: Dataset, rows: number): void {
  const dim = dataset.dim;
  const meta = { id: "bench", dimension: dim, metric: "cosine" } as CollectionMeta;
  const docs = Array.from({ length: rows }, (_, row) => ({
    id: crypto.randomUUID(),
    externalId: String(row),
    vector: dataset.train.subarray(row * dim, (row + 1) * dim),
  }));
  const spent = new Map<string, number>();
  const timed = <T>(stage: string, run: () => T): T => {
    const started = performance.now();
    const result = run();
    spent.set(stage, (spent.get(stage) ?? 0) + performance.now() - started);
    return result;
  };
  const decoder = new TextDecoder();
  let bytes = 0;
  const rounds = 3;
  for (let round = 0; round <= rounds; round++) {
    if (round === 1) spent.clear(); // round 0 warms the JIT up
    for (let start = 0; start < rows; start += LOAD_BATCH.size) {
      const batch = docs.slice(start, start + LOAD_BATCH.size);
      const [body] = timed("client: insert_batch body", () => batchBodies(batch, AKIDB_BODY_BYTES));
      if (round === 1) bytes += body.length;
      const text = timed("server: UTF-8 decode", () => decoder.decode(body));
      const json = timed("server: JSON.parse", () => JSON.parse(text));
      const checked = timed("server: schema (zod)", () => insertBatchBody.parse(json));
      const vectors = timed(
        "server: float32 conversion",
        () => checked.docs.map((d, i) => toFloat32Vector(d.vector, meta, `docs.${i}.vector`)),
      );
      timed("server: WAL frame (CRC-32)", () => {
        const all = new Float32Array(vectors.length * dim);
        vectors.forEach((v, i) => all.set(v, i * dim));
        const insertedAt = Date.now();
        encodeWalRecord({
          type: "insert",
          collectionId: meta.id,
          docs: batch.map((d) => ({ docId: d.id, externalId: d.externalId, insertedAt })),
          vectors: all,
        });
      });
    }
  }
  console.log(`stages (${rows} rows, ${(bytes / rows).toFixed(0)} body bytes per vector):`);
  for (const [stage, ms] of spent) {
    console.log(`  ${stage.padEnd(30)} ${(ms * 1000 / rounds / rows).toFixed(1)} µs/vector`);
  }
}

/** The real bulk load into a fresh embedded reference server. */
async function load(): Promise<void> {
  const target = values.url ? new AkidbTarget(values.url) : await ReferenceTarget.start();
  const pid = target instanceof ReferenceTarget ? target.pid : Number(values.pid);
  try {
    const walSyncs = async () => {
      const text = await (await fetch(`${target.url}/metrics`)).text();
      return Number(/^akidb_wal_syncs_total (\d+)/m.exec(text)?.[1] ?? NaN);
    };
    const syncs0 = await walSyncs();
    const client0 = process.cpuUsage();
    const server0 = cpuSeconds(pid);
    const timings = await deploy(
      target,
      scenario,
      dataset,
      planCollections(scenario),
      new IntegrityLedger(),
      "bench",
      emptyDeployment(),
    );
    const client = process.cpuUsage(client0);
    const clientS = (client.user + client.system) / 1e6;
    // Both CPU figures include the index wait after the last acknowledgement (≤ index_wait, 1 s).
    const serverS = cpuSeconds(pid) - server0;
    const n = timings.vectors;
    console.log(
      `load: ${n} vectors in ${timings.loadS.toFixed(1)} s = ${
        (n / timings.loadS).toFixed(0)
      } acknowledged vectors/s; CPU per vector: client ${
        (clientS * 1e6 / n).toFixed(0)
      } µs, server ${(serverS * 1e6 / n).toFixed(0)} µs (${
        ((clientS + serverS) / timings.loadS).toFixed(2)
      } cores); ${(await walSyncs()) - syncs0} WAL fdatasyncs; ${
        timings.indexPending ?? "?"
      } vectors not yet in the graph`,
    );
  } finally {
    await target.close();
  }
}
