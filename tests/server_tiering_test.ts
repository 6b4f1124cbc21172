import assert from "node:assert/strict";
import { startServer } from "../src/server/start.ts";
import { uuidV7 } from "../src/server/uuid_v7.ts";
import { startTiering } from "../src/server/tiering/tiering_extension.ts";
import { S3ObjectStore } from "../src/server/s3/object_store.ts";
import { EMBEDDED_S3_CREDENTIALS } from "../src/server/s3/embedded_s3.ts";
import { DEFAULT_S3_BUCKET } from "../src/server/tiering/tiering_extension.ts";
import { decodeSlotBatch } from "../src/server/tiering/slot_batch.ts";
import { batchKey, batchPrefix } from "../src/server/tiering/batch_uploader.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const DIM = 16;

async function setup(policy: Record<string, number>) {
  const dataDir = await Deno.makeTempDir({ prefix: "akidb-tiering-test-" });
  const tiering = await startTiering({
    dataDir,
    faults: true,
    resilienceTimeScale: 0.001,
    // These tests retry the dead letters themselves (the route), at chosen moments.
    dlqReplayIntervalMs: 0,
    breaker: { cooldownMs: 60_000, windowMs: 60_000 },
    policy: {
      hotToWarmIdleMs: 60_000,
      warmToColdIdleMs: 60_000,
      warmToHotAccesses: 3,
      accessWindowMs: 10_000,
      checkIntervalMs: 50,
      uploadIntervalMs: 0,
      ...policy,
    },
  });
  const server = await startServer({
    dataDir,
    quiet: true,
    index: { exactThreshold: 64 },
    extensions: tiering.extensions,
  });
  const raw = await S3ObjectStore.open({
    endpoint: tiering.s3Endpoint,
    bucket: DEFAULT_S3_BUCKET,
    ...EMBEDDED_S3_CREDENTIALS,
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get("content-type") ?? "";
    return { status: res.status, body: type.includes("json") ? JSON.parse(text) : text };
  };
  const close = async () => {
    raw.close();
    await server.close();
    await tiering.close();
    await Deno.remove(dataDir, { recursive: true });
  };
  return { dataDir, tiering, server, raw, call, close };
}

type Env = Awaited<ReturnType<typeof setup>>;

function vectorOf(i: number): number[] {
  return Array.from(
    { length: DIM },
    (_, d) => Math.sin(i * 7.3 + d * 1.1) + (d === i % DIM ? 3 : 0),
  );
}

/** A collection with `n` documents whose HNSW graph has been built. */
async function collectionWithGraph(env: Env, n: number): Promise<{ id: string; docIds: string[] }> {
  const created = await env.call("POST", "/api/v1/collections", {
    name: `c-${crypto.randomUUID()}`,
    dimension: DIM,
    metric: "l2",
  });
  assert.equal(created.status, 201);
  const id = created.body.collection_id as string;
  const docIds = Array.from({ length: n }, () => uuidV7());
  const docs = docIds.map((doc_id, i) => ({ doc_id, vector: vectorOf(i) }));
  assert.equal(
    (await env.call("POST", `/api/v1/collections/${id}/insert_batch`, { docs })).status,
    200,
  );
  await until(() => env.server.store.collections.get(id)!.index.pendingCount === 0, "graph merge");
  return { id, docIds };
}

async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function topDoc(env: Env, id: string, i: number): Promise<string> {
  const res = await env.call("POST", `/api/v1/collections/${id}/query`, {
    query_vector: vectorOf(i),
    top_k: 1,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.matches[0].doc_id;
}

/** S3 requests the fault injector has delayed so far. */
async function delayedRequests(env: Env): Promise<number> {
  return (await env.call("GET", "/admin/faults")).body.delayed_requests;
}

/** Size of an S3 object, null when absent, "busy" when s3rver answers 500 mid-write. */
const objectSize = (env: Env, key: string) => env.raw.head(key).catch(() => "busy" as const);

/** Batch objects of a collection, "busy" when s3rver answers 500 to a list during a write. */
const batchCount = (env: Env, id: string) =>
  env.raw.list(batchPrefix(id)).then((keys) => keys.length, () => "busy" as const);

const fileExists = (p: string) => Deno.stat(p).then(() => true, () => false);

Deno.test(
  "tiering: a failed background demotion is counted in /metrics and logged, not swallowed",
  opts,
  async () => {
    const logged: string[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.join(" "));
    const env = await setup({});
    try {
      const created = await env.call("POST", "/api/v1/collections", {
        name: "idle",
        dimension: DIM,
        metric: "l2",
      });
      const id = created.body.collection_id as string;
      const doc = { doc_id: uuidV7(), vector: vectorOf(1) };
      assert.equal((await env.call("POST", `/api/v1/collections/${id}/insert`, doc)).status, 200);
      // The image's temporary file is a directory: every idle demotion fails to write it.
      await Deno.mkdir(`${env.dataDir}/tiers/${id}.image.tmp`, { recursive: true });
      const failures = async () => {
        const metrics = (await env.call("GET", "/metrics")).body as string;
        return Number(/^akidb_tier_background_failures_total (\d+)$/m.exec(metrics)![1]);
      };
      assert.equal(await failures(), 0);
      const policy = { hot_to_warm_idle_s: 0.1 };
      assert.equal((await env.call("PUT", "/api/v1/tiering/policy", policy)).status, 200);
      await until(async () => await failures() >= 2, `failures (log: ${logged})`, 60_000);
      assert.equal((await env.call("GET", `/api/v1/collections/${id}/tier`)).body.tier, "hot");
      // Logged once while the error stays the same, naming the work and the cause.
      const lines = logged.filter((l) => l.includes("tiering"));
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(
        lines[0],
        new RegExp(`^akibench server: tiering: demoting ${id} to warm: .*tmp`),
      );
      // Once the obstacle is gone, the next idle check demotes it.
      await Deno.remove(`${env.dataDir}/tiers/${id}.image.tmp`);
      const tier = async () => (await env.call("GET", `/api/v1/collections/${id}/tier`)).body.tier;
      await until(async () => await tier() === "warm", "the demotion", 60_000);
    } finally {
      console.error = consoleError;
      await env.close();
    }
  },
);

Deno.test(
  "tiering: hot → warm → cold moves the index RAM → file → S3, and back",
  opts,
  async () => {
    const env = await setup({});
    try {
      const { id, docIds } = await collectionWithGraph(env, 300);
      const local = `${env.dataDir}/tiers/${id}.image`;
      const caps = await env.call("GET", "/api/v1/capabilities");
      assert.equal(caps.body.tiering, true);
      assert.equal(caps.body.faults, true);

      let st = await env.call("POST", `/api/v1/collections/${id}/tier`, {
        action: "demote_to_warm",
      });
      assert.equal(st.body.tier, "warm");
      assert.ok(st.body.image_bytes > 0);
      assert.equal((await Deno.stat(local)).size, st.body.image_bytes);
      assert.equal(st.body.resident, false, "data left RAM");
      assert.equal(st.body.ram_bytes, 0);
      assert.equal(await topDoc(env, id, 42), docIds[42], "warm collection still answers");

      st = await env.call("POST", `/api/v1/collections/${id}/tier`, { action: "demote_to_cold" });
      assert.equal(st.body.tier, "cold");
      assert.equal(await fileExists(local), false, "local copy removed once uploaded");
      assert.equal(await env.raw.head(`tiers/${id}.image`), st.body.image_bytes);

      // First access downloads (cold → warm); the 3rd access in the window promotes to hot.
      assert.equal(await topDoc(env, id, 7), docIds[7]);
      st = await env.call("GET", `/api/v1/collections/${id}/tier`);
      assert.equal(st.body.tier, "warm");
      assert.equal(await fileExists(local), true);
      await topDoc(env, id, 8);
      assert.equal((await env.call("GET", `/api/v1/collections/${id}/tier`)).body.tier, "warm");
      await topDoc(env, id, 9);
      st = await env.call("GET", `/api/v1/collections/${id}/tier`);
      assert.equal(st.body.tier, "hot");
      assert.equal(st.body.access_count, 5); // insert, warm query, 3 since cold
      assert.ok(env.server.store.collections.get(id)!.index.graphSize > 0, "index back in RAM");
      assert.equal(await fileExists(local), false);
      assert.equal(await topDoc(env, id, 123), docIds[123]);

      const counts = await env.call("GET", "/api/v1/metrics/tiers");
      assert.deepEqual(counts.body, {
        hot_count: 1,
        warm_count: 0,
        cold_count: 0,
        total_collections: 1,
      });
      const metrics = (await env.call("GET", "/metrics")).body as string;
      assert.match(metrics, /^akidb_tier_collections\{tier="hot"\} 1$/m);
      assert.match(metrics, /^akidb_tier_transitions_total\{from="cold",to="warm"\} 1$/m);
      assert.match(metrics, /^akidb_tier_transitions_total\{from="warm",to="hot"\} 1$/m);
      const bad = await env.call("POST", `/api/v1/collections/${id}/tier`, { action: "freeze" });
      assert.equal(bad.status, 400);
    } finally {
      await env.close();
    }
  },
);

Deno.test(
  "tiering: idle policy demotes automatically; pinned collections stay hot",
  opts,
  async () => {
    const env = await setup({});
    try {
      const a = await collectionWithGraph(env, 100);
      const b = await collectionWithGraph(env, 100);
      await env.call("POST", `/api/v1/collections/${b.id}/tier`, { action: "pin" });
      const policy = await env.call("PUT", "/api/v1/tiering/policy", {
        hot_to_warm_idle_s: 0.2,
        warm_to_cold_idle_s: 0.4,
      });
      assert.equal(policy.body.hot_to_warm_idle_s, 0.2);
      const tierOf = async (id: string) =>
        (await env.call("GET", `/api/v1/collections/${id}/tier`)).body.tier;
      await until(async () => (await tierOf(a.id)) === "warm", "a warm");
      await until(async () => (await tierOf(a.id)) === "cold", "a cold");
      assert.equal(await tierOf(b.id), "hot");
      const demote = await env.call("POST", `/api/v1/collections/${b.id}/tier`, {
        action: "demote_to_cold",
      });
      assert.equal(demote.status, 409);
      await env.call("POST", `/api/v1/collections/${b.id}/tier`, { action: "unpin" });
      await until(async () => (await tierOf(b.id)) === "cold", "b cold after unpin");
      assert.equal(await topDoc(env, a.id, 5), a.docIds[5]);

      // Deleting a collection removes its tier copies.
      assert.ok(await env.raw.head(`tiers/${b.id}.image`));
      assert.equal((await env.call("DELETE", `/api/v1/collections/${b.id}`)).status, 204);
      await until(async () => (await objectSize(env, `tiers/${b.id}.image`)) === null, "b removed");
    } finally {
      await env.close();
    }
  },
);

Deno.test(
  "tiering: S3 errors keep data served; DLQ retry completes the demotion",
  opts,
  async () => {
    const env = await setup({});
    try {
      const { id, docIds } = await collectionWithGraph(env, 200);
      const local = `${env.dataDir}/tiers/${id}.image`;
      assert.equal((await env.call("POST", "/admin/faults", { s3_error_rate: 1 })).status, 200);
      let st = await env.call("POST", `/api/v1/collections/${id}/tier`, {
        action: "demote_to_cold",
      });
      assert.equal(st.body.tier, "warm");
      assert.equal(st.body.pending_upload, true);
      assert.match(st.body.last_error, /InternalError/);
      assert.equal(await fileExists(local), true, "local copy kept while the upload failed");
      assert.equal(await topDoc(env, id, 77), docIds[77]);
      const dlq = await env.call("GET", "/admin/dlq");
      assert.equal(dlq.body.size, 1);
      assert.equal(dlq.body.entries[0].attempts, 6);
      let metrics = (await env.call("GET", "/metrics")).body as string;
      assert.match(metrics, /^akidb_dlq_size 1$/m);
      assert.match(metrics, /^akidb_s3_retries_total 5$/m);

      // A second failing demotion pushes the breaker over 10 requests at 100 % errors.
      await env.call("POST", `/api/v1/collections/${id}/tier`, { action: "demote_to_cold" });
      metrics = (await env.call("GET", "/metrics")).body as string;
      assert.match(metrics, /^akidb_circuit_breaker_state 1$/m);

      assert.equal((await env.call("DELETE", "/admin/faults")).body.active, false);
      const reset = await env.call("POST", "/admin/circuit-breaker/reset");
      assert.equal(reset.body.previous_state, "Open");
      assert.equal(reset.body.new_state, "Closed");
      const retry = await env.call("POST", `/admin/collections/${id}/dlq/retry`);
      assert.equal(retry.body.retried_count, 2);
      assert.equal(retry.body.success_count, 2);
      st = await env.call("GET", `/api/v1/collections/${id}/tier`);
      assert.equal(st.body.tier, "cold");
      assert.equal(st.body.pending_upload, false);
      assert.equal(await fileExists(local), false);
      assert.equal(await env.raw.head(`tiers/${id}.image`), st.body.image_bytes);

      // A cold collection whose object cannot be fetched answers 503 and stays cold.
      await env.call("POST", "/admin/faults", { s3_error_rate: 1 });
      const refused = await env.call("POST", `/api/v1/collections/${id}/query`, {
        query_vector: vectorOf(77),
        top_k: 1,
      });
      assert.equal(refused.status, 503);
      assert.match(refused.body.error, /cold/);
      assert.equal((await env.call("GET", `/api/v1/collections/${id}/tier`)).body.tier, "cold");
      await env.call("DELETE", "/admin/faults");
      await env.call("POST", "/admin/circuit-breaker/reset");
      assert.equal(await topDoc(env, id, 77), docIds[77]);
      assert.equal((await env.call("GET", `/api/v1/collections/${id}/tier`)).body.tier, "warm");
    } finally {
      await env.close();
    }
  },
);

Deno.test(
  "tiering: the batch uploader ships new and deleted documents to S3; failures are dead-lettered",
  opts,
  async () => {
    const env = await setup({});
    try {
      const { id, docIds } = await collectionWithGraph(env, 120);
      const policy = await env.call("PUT", "/api/v1/tiering/policy", { upload_interval_s: 0.05 });
      assert.equal(policy.body.upload_interval_s, 0.05);
      await until(
        async () => typeof (await objectSize(env, batchKey(id, 0, 120))) === "number",
        "first batch",
      );
      const first = decodeSlotBatch(await env.raw.get(batchKey(id, 0, 120)));
      assert.deepEqual(first.docIds, docIds);
      assert.deepEqual(
        Array.from(first.vectors.subarray(DIM * 3, DIM * 4)),
        vectorOf(3).map(Math.fround),
      );
      assert.equal(first.meta.id, id);

      // While S3 fails, new writes are acknowledged and their batch waits in the DLQ.
      await env.call("PUT", "/api/v1/tiering/policy", { upload_interval_s: 0 });
      await new Promise((r) => setTimeout(r, 150)); // the last 50 ms timer has fired
      await env.call("POST", "/admin/faults", { s3_error_rate: 1 });
      const extra = { doc_id: uuidV7(), vector: vectorOf(500) };
      assert.equal((await env.call("POST", `/api/v1/collections/${id}/insert`, extra)).status, 200);
      const del = await env.call("DELETE", `/api/v1/collections/${id}/docs/${docIds[0]}`);
      assert.equal(del.status, 200);
      await env.call("PUT", "/api/v1/tiering/policy", { upload_interval_s: 0.05 });
      await until(
        async () => (await env.call("GET", "/admin/dlq")).body.size > 0,
        "dead letter",
        3000,
      );
      assert.equal(await topDoc(env, id, 500), extra.doc_id);
      await env.call("DELETE", "/admin/faults");
      await env.call("POST", "/admin/circuit-breaker/reset");
      const retry = await env.call("POST", `/admin/collections/${id}/dlq/retry`);
      assert.equal(retry.body.failed_count, 0);
      const second = decodeSlotBatch(await env.raw.get(batchKey(id, 120, 121)));
      assert.deepEqual(second.docIds, [extra.doc_id]);
      assert.deepEqual(second.deletedSlots, [0]);
      const metrics = (await env.call("GET", "/metrics")).body as string;
      assert.match(metrics, /^akidb_s3_uploads_total 2$/m);

      // Deleting the collection deletes its batches (another collection's stay). The other
      // collection is written with uploads off: the WAL applies an insert_batch's documents in
      // one or more group commits, and a flush between two would split it into two batches.
      await env.call("PUT", "/api/v1/tiering/policy", { upload_interval_s: 0 });
      await new Promise((r) => setTimeout(r, 150)); // the last 50 ms timer has fired
      const other = await collectionWithGraph(env, 100);
      await env.call("PUT", "/api/v1/tiering/policy", { upload_interval_s: 0.05 });
      await until(
        async () => (await batchCount(env, other.id)) === 1,
        "other collection's batch",
      );
      assert.deepEqual(await env.raw.list(batchPrefix(id)), [
        batchKey(id, 0, 120),
        batchKey(id, 120, 121),
      ]);
      assert.equal((await env.call("DELETE", `/api/v1/collections/${id}`)).status, 204);
      await until(async () => (await batchCount(env, id)) === 0, "batches gone");
      assert.deepEqual(await env.raw.list(batchPrefix(other.id)), [batchKey(other.id, 0, 100)]);
    } finally {
      await env.close();
    }
  },
);

Deno.test(
  "tiering: queries on a warm collection never wait behind a slow demotion upload",
  opts,
  async () => {
    const env = await setup({});
    try {
      const { id, docIds } = await collectionWithGraph(env, 100);
      await env.call("POST", `/api/v1/collections/${id}/tier`, { action: "demote_to_warm" });
      // The upload waits until the faults are cleared, so the queries surely run during it.
      await env.call("POST", "/admin/faults", { s3_latency_ms: 600_000 });
      const delayedBefore = await delayedRequests(env);
      let demoted = false;
      const demotion = env.call("POST", `/api/v1/collections/${id}/tier`, {
        action: "demote_to_cold",
      }).then((r) => (demoted = true, r));
      await until(async () => (await delayedRequests(env)) > delayedBefore, "the upload on S3");
      // Queries stuck behind the upload would hang: after a minute the upload is let go, and
      // the demotion then finishes first.
      const letGo = setTimeout(() => env.call("DELETE", "/admin/faults"), 60_000);
      for (let i = 0; i < 4; i++) assert.equal(await topDoc(env, id, i), docIds[i]);
      clearTimeout(letGo);
      assert.equal(demoted, false, "all four queries were answered while the upload waited");
      await env.call("DELETE", "/admin/faults");
      assert.equal((await demotion).body.tier, "cold");
    } finally {
      await env.close();
    }
  },
);
