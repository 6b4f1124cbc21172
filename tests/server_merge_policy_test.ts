import assert from "node:assert/strict";
import { startServer } from "../src/server/start.ts";
import { uuidV7 } from "../src/server/uuid_v7.ts";
import { postOk, prng } from "./server_http_client.ts";

Deno.test("store: busy while a request is in flight and for a moment after it", async () => {
  const server = await startServer({ port: 0, quiet: true });
  try {
    const { store } = server;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(store.busy, false);
    store.requestStarted();
    assert.equal(store.busy, true);
    store.requestFinished();
    assert.equal(store.busy, true, "a request just ended");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(store.busy, false);
  } finally {
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});

Deno.test("store: inserted vectors reach the graph while queries keep the server busy", async () => {
  const server = await startServer({ port: 0, quiet: true, index: { exactThreshold: 64 } });
  const dim = 16;
  const next = prng(11);
  const vector = () => Array.from({ length: dim }, () => next() * 2 - 1);
  const post = (path: string, body: unknown) => postOk(server.url, path, body);
  try {
    const { collection_id: id } = await post("/api/v1/collections", {
      name: "busy",
      dimension: dim,
      metric: "l2",
    });
    let inserted = 0;
    const deadline = performance.now() + 15_000;
    // Inserts and queries never stop, and a request stays in flight throughout (as a slow client's
    // would), so the server is busy at every check however late this loop resumes after a
    // response; merging must still progress.
    server.store.requestStarted();
    while (performance.now() < deadline) {
      if (inserted < 1500) {
        const docs = Array.from({ length: 100 }, () => ({ doc_id: uuidV7(), vector: vector() }));
        await post(`/api/v1/collections/${id}/insert_batch`, { docs });
        inserted += 100;
      }
      await post(`/api/v1/collections/${id}/query`, { query_vector: vector(), top_k: 3 });
      assert.equal(server.store.busy, true);
      if (inserted >= 1500 && server.store.pendingVectors() === 0) break;
    }
    server.store.requestFinished();
    assert.equal(server.store.pendingVectors(), 0, "every vector merged while busy");
    assert.equal(server.store.collections.get(id)!.index.graphSize, 1500);
  } finally {
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});

Deno.test("store: a collection searched exactly by design is not an indexing backlog", async () => {
  const server = await startServer({ port: 0, quiet: true, index: { exactThreshold: 64 } });
  const post = (path: string, body: unknown) => postOk(server.url, path, body);
  try {
    const { collection_id: id } = await post("/api/v1/collections", {
      name: "small",
      dimension: 16,
      metric: "l2",
    });
    const next = prng(3);
    const docs = Array.from({ length: 40 }, () => ({
      doc_id: uuidV7(),
      vector: Array.from({ length: 16 }, () => next()),
    }));
    await post(`/api/v1/collections/${id}/insert_batch`, { docs });
    await new Promise((r) => setTimeout(r, 300)); // merge passes have run
    assert.equal(server.store.collections.get(id)!.index.pendingCount, 40, "exact buffer");
    assert.equal(server.store.pendingVectors(), 0);
    const health = await (await fetch(`${server.url}/admin/health`)).json();
    assert.equal(health.components.database.details.pending_vectors, 0);
  } finally {
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});

Deno.test("store: merging gives way to a bulk load and resumes once a search comes", async () => {
  // A merge step at most every 10^9 ms while only inserts come: none runs during the load.
  const server = await startServer({
    port: 0,
    quiet: true,
    index: { exactThreshold: 64 },
    storage: { ingestMergeIntervalMs: 1e9 },
  });
  const dim = 16;
  const next = prng(5);
  const vector = () => Array.from({ length: dim }, () => next() * 2 - 1);
  const post = (path: string, body: unknown) => postOk(server.url, path, body);
  try {
    const { collection_id: id } = await post("/api/v1/collections", {
      name: "ingest",
      dimension: dim,
      metric: "l2",
    });
    // A request stays in flight throughout: the server is busy however slowly this loop runs.
    server.store.requestStarted();
    for (let i = 0; i < 10; i++) {
      const docs = Array.from({ length: 100 }, () => ({ doc_id: uuidV7(), vector: vector() }));
      await post(`/api/v1/collections/${id}/insert_batch`, { docs });
    }
    await new Promise((r) => setTimeout(r, 300)); // busy merge steps (12 ms apart) have come
    const index = server.store.collections.get(id)!.index;
    assert.equal(server.store.pendingVectors(), 1000, "nothing merged while only inserts came");
    assert.equal(index.graphSize, 0);
    await post(`/api/v1/collections/${id}/query`, { query_vector: vector(), top_k: 3 });
    const deadline = performance.now() + 15_000;
    while (server.store.pendingVectors() > 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    server.store.requestFinished();
    assert.equal(server.store.pendingVectors(), 0, "merged once a search came, server still busy");
    assert.equal(index.graphSize, 1000);
  } finally {
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});
