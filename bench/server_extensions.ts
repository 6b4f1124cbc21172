/**
 * Cost of the reference server's extensions, with the server as a child process (`serve`):
 * closed-loop query throughput and latency without and with --tenancy (API-key auth + a durable
 * audit row per request), and for one collection the time of each tier transition (its vectors,
 * documents and graph RAM ↔ file ↔ S3), its RAM estimate and the server's RSS in each tier.
 * Prints numbers; asserts nothing.
 *
 *   deno run -A bench/server_extensions.ts [--docs 20000] [--dim 128] [--seconds 5] [--clients 8]
 */
import { parseArgs } from "node:util";
import { spawnServer } from "./server/child_server.ts";
import { generateApiKey } from "../src/server/tenancy/api_key.ts";
import { uuidV7 } from "../src/server/uuid_v7.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    docs: { type: "string", default: "20000" },
    dim: { type: "string", default: "128" },
    seconds: { type: "string", default: "5" },
    clients: { type: "string", default: "8" },
  },
});
const DOCS = Number(flags.docs), DIM = Number(flags.dim);
const SECONDS = Number(flags.seconds), CLIENTS = Number(flags.clients);
const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;

function vector(seed: number): number[] {
  return Array.from({ length: DIM }, (_, d) => Math.sin(seed * 12.9898 + d * 78.233));
}

async function withServer<T>(extra: string[], fn: (url: string) => Promise<T>): Promise<T> {
  const dataDir = await Deno.makeTempDir({ prefix: "akibench-ext-bench-" });
  const server = await spawnServer(
    Deno.execPath(),
    [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      MAIN,
      "serve",
      "--port",
      "0",
      "--data-dir",
      dataDir,
      ...extra,
    ],
    { urlPattern: /listening on (\S+) / },
  );
  try {
    return await fn(server.url);
  } finally {
    server.child.kill("SIGTERM");
    await server.child.status;
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** The server's RSS from /metrics, after `waitMs` (tiering frees buffers; V8 collects later). */
async function rssMiB(url: string, key: string, waitMs = 3000): Promise<string> {
  await new Promise((r) => setTimeout(r, waitMs));
  const text = await metricsText(url, key);
  const rss = Number(/^process_resident_memory_bytes (\d+)$/m.exec(text)![1]);
  return `${(rss / 2 ** 20).toFixed(0)} MiB`;
}

/** GET /metrics (with tenancy, as the operator). */
async function metricsText(url: string, key?: string): Promise<string> {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  return await (await fetch(url + "/metrics", { headers })).text();
}

async function call(url: string, method: string, path: string, key?: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      "content-type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return await res.json();
}

async function loadCollection(url: string, key?: string): Promise<string> {
  const { collection_id: id } = await call(url, "POST", "/api/v1/collections", key, {
    name: "bench",
    dimension: DIM,
    metric: "cosine",
  });
  for (let s = 0; s < DOCS; s += 1000) {
    const docs = Array.from({ length: Math.min(1000, DOCS - s) }, (_, i) => ({
      doc_id: uuidV7(),
      vector: vector(s + i),
    }));
    await call(url, "POST", `/api/v1/collections/${id}/insert_batch`, key, { docs });
  }
  // Let the background merge build the HNSW graph.
  while (true) {
    const metrics = await metricsText(url, key);
    if (/^akidb_index_pending_vectors 0$/m.test(metrics)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return id;
}

async function queryLoop(url: string, id: string, key?: string) {
  const latencies: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
    for (let i = 0; performance.now() < end; i++) {
      const t0 = performance.now();
      await call(url, "POST", `/api/v1/collections/${id}/query`, key, {
        query_vector: vector(c * 100_003 + i),
        top_k: 10,
      });
      latencies.push(performance.now() - t0);
    }
  }));
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return `${(latencies.length / SECONDS).toFixed(0)} q/s, p50 ${q(0.5).toFixed(2)} ms, ` +
    `p99 ${q(0.99).toFixed(2)} ms`;
}

console.log(`docs ${DOCS} × dim ${DIM}, ${CLIENTS} clients × ${SECONDS} s, cosine top-10`);
await withServer([], async (url) => {
  const id = await loadCollection(url);
  console.log(`plain server:      ${await queryLoop(url, id)}`);
});
const admin = generateApiKey();
await withServer(["--tenancy", "--admin-key", admin, "--tiering"], async (url) => {
  const id = await loadCollection(url, admin);
  console.log(`tenancy + audit:   ${await queryLoop(url, id, admin)}`);
  const tier = async (action: string) => {
    const t0 = performance.now();
    const st = await call(url, "POST", `/api/v1/collections/${id}/tier`, admin, { action });
    return `${action} → ${st.tier} ${(performance.now() - t0).toFixed(1)} ms`;
  };
  // Keep the collection warm during the warm phase (no access-count promotion).
  await call(url, "PUT", "/api/v1/tiering/policy", admin, { warm_to_hot_accesses: 1_000_000 });
  const status = () => call(url, "GET", `/api/v1/collections/${id}/tier`, admin);
  const ram = async () => `${((await status()).ram_bytes / 2 ** 20).toFixed(1)} MiB`;
  // RSS first: it waits 3 s, so a copy loaded by the warm query loop has been released.
  console.log(`hot: server RSS ${await rssMiB(url, admin)}, collection RAM ${await ram()}`);
  console.log(await tier("demote_to_warm"), `(image ${(await status()).image_bytes} bytes)`);
  console.log(
    `warm: server RSS ${await rssMiB(url, admin)} (after 3 s), collection RAM ${await ram()}`,
  );
  console.log(`warm (loaded per request): ${await queryLoop(url, id, admin)}`);
  const st = await status();
  if (st.tier !== "warm") throw new Error(`collection left warm during the warm phase: ${st.tier}`);
  console.log(await tier("demote_to_cold"));
  console.log(
    `cold: server RSS ${await rssMiB(url, admin)} (after 3 s), collection RAM ${await ram()}`,
  );
  console.log(await tier("promote_to_hot"));
  console.log(`hot again: server RSS ${await rssMiB(url, admin)}, collection RAM ${await ram()}`);
});
