import assert from "node:assert/strict";
import { startServer } from "../src/server/start.ts";
import { startTiering } from "../src/server/tiering/tiering_extension.ts";
import { DEFAULT_S3_BUCKET } from "../src/server/tiering/tiering_extension.ts";
import { S3ObjectStore } from "../src/server/s3/object_store.ts";
import { EMBEDDED_S3_CREDENTIALS } from "../src/server/s3/embedded_s3.ts";
import { call, docId, randomVectors } from "./server_http_client.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const DIM = 32;

/**
 * A tiering server on `dataDir` (kept on close, so a second one can restart from it); its idle
 * policy never demotes by itself, loaded warm copies are released after 50 ms.
 */
async function open(dataDir: string, exactThreshold = 256) {
  const tiering = await startTiering({
    dataDir,
    faults: true,
    resilienceTimeScale: 0.001,
    // These tests retry the dead letters themselves (the route), at chosen moments.
    dlqReplayIntervalMs: 0,
    breaker: { cooldownMs: 60_000, windowMs: 60_000 },
    policy: {
      hotToWarmIdleMs: 600_000,
      warmToColdIdleMs: 600_000,
      warmToHotAccesses: 1000,
      accessWindowMs: 10_000,
      checkIntervalMs: 50,
      uploadIntervalMs: 0,
    },
  });
  const server = await startServer({
    dataDir,
    quiet: true,
    index: { exactThreshold },
    extensions: tiering.extensions,
  });
  const raw = await S3ObjectStore.open({
    endpoint: tiering.s3Endpoint,
    bucket: DEFAULT_S3_BUCKET,
    ...EMBEDDED_S3_CREDENTIALS,
  });
  const api = (method: string, path: string, body?: unknown) =>
    call(server.url, method, path, body);
  const tier = async (id: string, action?: string) =>
    (action === undefined
      ? await api("GET", `/api/v1/collections/${id}/tier`)
      : await api("POST", `/api/v1/collections/${id}/tier`, { action })).body;
  const close = async () => {
    raw.close();
    await server.close();
    await tiering.close();
  };
  return { server, tiering, raw, api, tier, close };
}

type Env = Awaited<ReturnType<typeof open>>;

/** A collection of `n` documents (every 7th with an external id, every 50th deleted). */
async function filled(env: Env, n: number, seed: number) {
  const created = await env.api("POST", "/api/v1/collections", {
    name: `c${seed}`,
    dimension: DIM,
    metric: "cosine",
  });
  const id = created.body.collection_id as string;
  const vectors = randomVectors(n, DIM, seed);
  const ids = vectors.map((_, i) => docId(seed * 100_000 + i));
  for (let at = 0; at < n; at += 500) {
    const docs = vectors.slice(at, at + 500).map((vector, j) => ({
      doc_id: ids[at + j],
      vector,
      ...((at + j) % 7 === 0 ? { external_id: `ext-${at + j}` } : {}),
    }));
    assert.equal(
      (await env.api("POST", `/api/v1/collections/${id}/insert_batch`, { docs })).status,
      200,
    );
  }
  for (let i = 0; i < n; i += 50) {
    assert.equal((await env.api("DELETE", `/api/v1/collections/${id}/docs/${ids[i]}`)).status, 200);
  }
  // Queries compare results across tier moves: all of them must come from the merged graph, not
  // some from the exact buffer before the background merge and some from the graph after it.
  const collection = env.server.store.collections.get(id)!;
  await until(
    () =>
      Promise.resolve(
        collection.documentCount < collection.meta.index.exactThreshold ||
          collection.index.pendingCount === 0,
      ),
    "the HNSW merge",
  );
  return { id, ids, vectors };
}

type Filled = Awaited<ReturnType<typeof filled>>;

/** Every document (GET) and the top 10 of 15 queries: what must survive every tier move. */
async function contents(env: Env, c: Filled) {
  const docs = [];
  for (const id of c.ids) {
    const res = await env.api("GET", `/api/v1/collections/${c.id}/docs/${id}`);
    assert.equal(res.status, 200);
    docs.push(res.body.document);
  }
  const queries = [];
  for (let q = 0; q < 15; q++) {
    const res = await env.api("POST", `/api/v1/collections/${c.id}/query`, {
      query_vector: c.vectors[(q * 37 + 1) % c.vectors.length],
      top_k: 10,
    });
    assert.equal(res.status, 200);
    queries.push(res.body.matches);
  }
  return { docs, queries };
}

async function until(ok: () => Promise<boolean>, what: string, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const fileSize = (p: string) => Deno.stat(p).then((s) => s.size, () => null);

Deno.test(
  "tiering data: a small collection's vectors and docs go RAM → file → S3 → RAM byte-exact",
  opts,
  async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "akidb-tier-data-" });
    const env = await open(dataDir, 2048);
    try {
      const c = await filled(env, 1000, 1); // below the graph threshold: no HNSW graph at all
      const before = await contents(env, c);
      assert.equal(before.docs.filter((d) => d === null).length, 20);
      const collection = env.server.store.collections.get(c.id)!;
      const hotRam = (await env.tier(c.id)).ram_bytes;
      assert.ok(hotRam >= 1000 * DIM * 4, `hot RAM ${hotRam}`);

      let st = await env.tier(c.id, "demote_to_warm");
      assert.equal(st.tier, "warm");
      assert.equal(st.resident, false);
      assert.equal(st.ram_bytes, 0);
      assert.ok(collection.vectors.capacityBytes <= DIM * 4 + 4, "vector buffers released");
      const vectorBytes = 1000 * DIM * 4;
      assert.ok(
        st.image_bytes > vectorBytes && st.image_bytes < vectorBytes + 1000 * 150,
        `image ${st.image_bytes} ≈ ${vectorBytes} vector bytes + documents`,
      );
      const local = `${dataDir}/tiers/${c.id}.image`;
      assert.equal(await fileSize(local), st.image_bytes);
      const metrics = (await env.api("GET", "/metrics")).body as string;
      assert.match(metrics, /^akidb_tier_resident_bytes\{tier="warm"\} 0$/m);

      st = await env.tier(c.id, "demote_to_cold");
      assert.equal(st.tier, "cold");
      assert.equal(await fileSize(local), null, "local file removed after the upload");
      assert.equal(await env.raw.head(`tiers/${c.id}.image`), st.image_bytes);

      st = await env.tier(c.id, "promote_to_hot");
      assert.equal(st.tier, "hot");
      assert.equal(st.resident, true);
      assert.deepEqual(await contents(env, c), before);
    } finally {
      await env.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);

Deno.test(
  "tiering data: reads load a warm collection and release it; a write promotes it to hot",
  opts,
  async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "akidb-tier-data-" });
    const env = await open(dataDir);
    try {
      const c = await filled(env, 600, 2); // with an HNSW graph (threshold 256)
      await until(
        () => Promise.resolve(env.server.store.collections.get(c.id)!.index.pendingCount === 0),
        "graph merge",
      );
      const before = await contents(env, c);
      await env.tier(c.id, "demote_to_warm");
      assert.deepEqual(await contents(env, c), before, "reads are answered from the file");
      let st = await env.tier(c.id);
      assert.equal(st.tier, "warm");
      await until(async () => (await env.tier(c.id)).resident === false, "warm copy released");
      assert.equal((await env.tier(c.id)).tier, "warm");

      const extra = { doc_id: docId(999_999), vector: randomVectors(1, DIM, 99)[0] };
      assert.equal(
        (await env.api("POST", `/api/v1/collections/${c.id}/insert`, extra)).status,
        200,
      );
      st = await env.tier(c.id);
      assert.equal(st.tier, "hot");
      assert.equal(st.local_file, false);
      assert.equal(await fileSize(`${dataDir}/tiers/${c.id}.image`), null);
      const doc = await env.api("GET", `/api/v1/collections/${c.id}/docs/${extra.doc_id}`);
      assert.deepEqual(doc.body.document.vector.map(Math.fround), extra.vector.map(Math.fround));
      assert.deepEqual(await contents(env, c), before);
    } finally {
      await env.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);

Deno.test(
  "tiering data: S3 failing during demotion keeps the data warm and served",
  opts,
  async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "akidb-tier-data-" });
    const env = await open(dataDir);
    try {
      const c = await filled(env, 400, 3);
      const before = await contents(env, c);
      await env.api("POST", "/admin/faults", { s3_error_rate: 1 });
      const st = await env.tier(c.id, "demote_to_cold");
      assert.equal(st.tier, "warm");
      assert.equal(st.pending_upload, true);
      assert.equal(st.resident, false);
      assert.equal(await fileSize(`${dataDir}/tiers/${c.id}.image`), st.image_bytes);
      assert.equal((await env.api("GET", "/admin/dlq")).body.size, 1);
      assert.deepEqual(await contents(env, c), before);
    } finally {
      await env.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);

Deno.test(
  "tiering data: restart and checkpoints keep warm and cold collections evicted and whole",
  opts,
  async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "akidb-tier-data-" });
    let env = await open(dataDir);
    try {
      const warm = await filled(env, 500, 4);
      const cold = await filled(env, 500, 5);
      const hot = await filled(env, 300, 6);
      const expected = [
        await contents(env, warm),
        await contents(env, cold),
        await contents(env, hot),
      ];
      await env.tier(warm.id, "demote_to_warm");
      await env.tier(cold.id, "demote_to_cold");
      // A checkpoint while evicted: their snapshot sections come from the tier file / object.
      await env.server.store.checkpoint();
      const snapshots = [...Deno.readDirSync(`${dataDir}/snapshots`)].map((e) => e.name);
      assert.equal(snapshots.length, 1);
      assert.ok(await fileSize(`${dataDir}/snapshots/${snapshots[0]}/${warm.id}.image`));
      assert.equal(await fileSize(`${dataDir}/snapshots/${snapshots[0]}/${warm.id}.vectors`), null);
      await env.close(); // writes another checkpoint

      env = await open(dataDir);
      assert.equal((await env.tier(warm.id)).tier, "warm");
      assert.equal((await env.tier(warm.id)).resident, false);
      assert.equal((await env.tier(cold.id)).tier, "cold");
      assert.equal((await env.tier(cold.id)).resident, false);
      assert.equal((await env.tier(hot.id)).tier, "hot");
      const listed = (await env.api("GET", `/api/v1/collections/${cold.id}`)).body.collection;
      assert.equal(listed.document_count, 490);
      assert.deepEqual(await contents(env, warm), expected[0]);
      assert.deepEqual(await contents(env, cold), expected[1]);
      assert.deepEqual(await contents(env, hot), expected[2]);
      assert.equal((await env.tier(cold.id)).tier, "warm", "cold → warm on first access");
    } finally {
      await env.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);

Deno.test(
  "tiering data: an empty collection goes cold and back, then takes writes",
  opts,
  async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "akidb-tier-data-" });
    const env = await open(dataDir);
    try {
      const created = await env.api("POST", "/api/v1/collections", {
        name: "empty",
        dimension: DIM,
        metric: "l2",
      });
      const id = created.body.collection_id as string;
      assert.equal((await env.tier(id, "demote_to_cold")).tier, "cold");
      const vector = randomVectors(1, DIM, 7)[0];
      const doc = { doc_id: docId(1), vector };
      assert.equal((await env.api("POST", `/api/v1/collections/${id}/insert`, doc)).status, 200);
      assert.equal((await env.tier(id)).tier, "hot");
      const got = await env.api("GET", `/api/v1/collections/${id}/docs/${docId(1)}`);
      assert.deepEqual(got.body.document.vector.map(Math.fround), vector.map(Math.fround));
    } finally {
      await env.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);

Deno.test(
  "tiering data: a server without tiering serves warm collections from their snapshot image",
  opts,
  async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "akidb-tier-data-" });
    const env = await open(dataDir);
    const a = await filled(env, 300, 8);
    const b = await filled(env, 300, 9);
    const expected = [await contents(env, a), await contents(env, b)];
    await env.tier(a.id, "demote_to_warm");
    await env.tier(b.id, "demote_to_warm");
    await env.close();
    const plain = await startServer({ dataDir, quiet: true });
    try {
      const store = plain.store;
      assert.equal(store.collections.get(a.id)!.resident, false);
      const view = {
        ...env,
        api: (m: string, p: string, body?: unknown) => call(plain.url, m, p, body),
      };
      assert.deepEqual(await contents(view, a), expected[0]);
      // Two checkpoints while B stays evicted: its image moves from snapshot to snapshot.
      await store.checkpoint();
      await store.checkpoint();
      assert.equal(store.collections.get(b.id)!.resident, false);
      assert.deepEqual(await contents(view, b), expected[1]);
    } finally {
      await plain.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);
