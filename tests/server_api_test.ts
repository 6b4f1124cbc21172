import assert from "node:assert/strict";
import { startServer } from "../src/server/start.ts";
import { call, docId, randomVectors } from "./server_http_client.ts";
import { parsePrometheusText } from "../src/metrics/prometheus_text.ts";
import { resourcesFromSamples } from "../src/metrics/resource_series.ts";

Deno.test("server: health, ready, capabilities, admin routes and metrics", async () => {
  const server = await startServer({ quiet: true });
  try {
    const u = server.url;
    assert.deepEqual((await call(u, "GET", "/health")).body.status, "healthy");
    assert.deepEqual(await call(u, "GET", "/ready"), {
      status: 200,
      body: { status: "ready", message: "Service is ready to accept traffic" },
    });
    assert.deepEqual((await call(u, "GET", "/api/v1/capabilities")).body, {
      tiering: false,
      tenancy: false,
      audit: false,
      faults: false,
      batch_insert: true,
    });
    const admin = await call(u, "GET", "/admin/health");
    assert.equal(admin.status, 200);
    assert.equal(admin.body.status, "healthy");
    assert.equal(typeof admin.body.uptime_seconds, "number");
    const reset = await call(u, "POST", "/admin/circuit-breaker/reset");
    assert.deepEqual(reset.body, {
      status: "success",
      message: "Circuit breaker reset successfully",
      previous_state: "Closed",
      new_state: "Closed",
    });
    const created = await call(u, "POST", "/api/v1/collections", {
      name: "m",
      dimension: 16,
      metric: "l2",
    });
    const id = created.body.collection_id;
    const retry = await call(u, "POST", `/admin/collections/${id}/dlq/retry`);
    assert.deepEqual(retry.body, {
      collection_id: id,
      retried_count: 0,
      success_count: 0,
      failed_count: 0,
    });
    const metrics = await call(u, "GET", "/metrics");
    assert.equal(metrics.status, 200);
    for (
      const name of [
        "akidb_storage_inserts_total 0",
        "akidb_wal_size_bytes",
        "akidb_circuit_breaker_state 0",
        `akidb_collection_vectors{collection_id="${id}"} 0`,
        "process_resident_memory_bytes",
        'akibench_http_requests_total{method="GET",route="/health",status="200"} 1',
        'akibench_http_request_duration_seconds_count{method="POST",route="/api/v1/collections"} 1',
      ]
    ) assert.ok(metrics.body.includes(name), `missing ${name}`);
    // The standard process collector's series, which a sampler on another machine reads.
    const { samples, types } = parsePrometheusText(metrics.body);
    const value = (name: string) => samples.find((s) => s.name === name)?.value;
    assert.equal(types.process_cpu_seconds_total, "counter");
    assert.ok(value("process_cpu_seconds_total")! > 0);
    assert.ok(value("process_open_fds")! > 0);
    assert.ok(value("process_max_fds")! >= value("process_open_fds")!);
    const start = value("process_start_time_seconds")!;
    assert.ok(start <= Date.now() / 1000 && start > Date.now() / 1000 - 3600, `${start}`);
    const reading = resourcesFromSamples(samples);
    assert.equal(reading.rssSource, "process");
    assert.equal(reading.cpuSource, "process");
    assert.ok(reading.rssMb! > 10, `${reading.rssMb} MB`);
  } finally {
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});

Deno.test("server: collection CRUD, insert, read-your-writes query, get and delete", async () => {
  const server = await startServer({ quiet: true });
  try {
    const u = server.url;
    const created = await call(u, "POST", "/api/v1/collections", {
      name: "docs",
      dimension: 16,
      metric: "cosine",
      embedding_model: "test",
    });
    assert.equal(created.status, 201);
    const id = created.body.collection_id;
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual({ ...created.body, collection_id: "" }, {
      collection_id: "",
      name: "docs",
      dimension: 16,
      metric: "cosine",
    });
    const dup = await call(u, "POST", "/api/v1/collections", {
      name: "docs",
      dimension: 16,
      metric: "l2",
    });
    assert.equal(dup.status, 409);
    const vectors = randomVectors(50, 16, 1);
    for (let i = 0; i < vectors.length; i++) {
      const r = await call(u, "POST", `/api/v1/collections/${id}/insert`, {
        doc_id: docId(i),
        external_id: `ext-${i}`,
        vector: vectors[i],
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.doc_id, docId(i));
      // Read-your-writes: the acknowledged vector is its own nearest neighbour right away.
      const q = await call(u, "POST", `/api/v1/collections/${id}/query`, {
        query_vector: vectors[i],
        top_k: 1,
      });
      assert.equal(q.body.matches[0].doc_id, docId(i));
      assert.ok(Math.abs(q.body.matches[0].distance - 1) < 1e-5);
    }
    const again = await call(u, "POST", `/api/v1/collections/${id}/insert`, {
      doc_id: docId(3),
      vector: vectors[3],
    });
    assert.equal(again.status, 409);
    const one = await call(u, "GET", `/api/v1/collections/${id}`);
    assert.equal(one.body.collection.document_count, 50);
    const list = await call(u, "GET", "/api/v1/collections");
    assert.equal(list.body.collections.length, 1);
    assert.equal(list.body.collections[0].document_count, 50);
    assert.ok(!Number.isNaN(Date.parse(list.body.collections[0].created_at)));
    const doc = await call(u, "GET", `/api/v1/collections/${id}/docs/${docId(7)}`);
    assert.equal(doc.body.document.external_id, "ext-7");
    // Shortest float32 text (server_akidb_parity_test.ts), which reads back as the same float32.
    assert.deepEqual(
      doc.body.document.vector.map(Math.fround),
      vectors[7].map((x) => Math.fround(x)),
    );
    const missing = await call(u, "GET", `/api/v1/collections/${id}/docs/${docId(999)}`);
    assert.deepEqual(missing, { status: 200, body: { document: null } });
    const del = await call(u, "DELETE", `/api/v1/collections/${id}/docs/${docId(7)}`);
    assert.equal(del.status, 200);
    assert.equal(typeof del.body.latency_ms, "number");
    const q = await call(u, "POST", `/api/v1/collections/${id}/query`, {
      query_vector: vectors[7],
      top_k: 50,
    });
    assert.equal(q.body.matches.length, 49);
    assert.ok(q.body.matches.every((m: { doc_id: string }) => m.doc_id !== docId(7)));
    const sims = q.body.matches.map((m: { distance: number }) => m.distance);
    assert.deepEqual(sims, [...sims].sort((a, b) => b - a));
    assert.equal(
      (await call(u, "DELETE", `/api/v1/collections/${id}/docs/${docId(7)}`)).status,
      404,
    );
    assert.equal((await call(u, "DELETE", `/api/v1/collections/${id}`)).status, 204);
    assert.equal((await call(u, "GET", `/api/v1/collections/${id}`)).status, 404);
    assert.equal((await call(u, "DELETE", `/api/v1/collections/${id}`)).status, 404);
  } finally {
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});

Deno.test("server: distance semantics for cosine, l2 and dot; batch insert", async () => {
  const server = await startServer({ quiet: true });
  try {
    const u = server.url;
    const basis = (i: number, scale: number) =>
      Array.from({ length: 16 }, (_, j) => (j === i ? scale : 0));
    const expected = {
      // query = 2·e0; docs: e0·1, e0·3, e1·1
      cosine: [[docId(1), 1], [docId(0), 1], [docId(2), 0]],
      l2: [[docId(0), 1], [docId(1), 1], [docId(2), Math.sqrt(5)]],
      dot: [[docId(1), 6], [docId(0), 2], [docId(2), 0]],
    } as const;
    for (const metric of ["cosine", "l2", "dot"] as const) {
      const id = (await call(u, "POST", "/api/v1/collections", {
        name: metric,
        dimension: 16,
        metric,
      })).body.collection_id;
      const batch = await call(u, "POST", `/api/v1/collections/${id}/insert_batch`, {
        docs: [basis(0, 1), basis(0, 3), basis(1, 1)].map((vector, i) => ({
          doc_id: docId(i),
          vector,
        })),
      });
      assert.equal(batch.status, 200);
      assert.equal(batch.body.inserted, 3);
      const q = await call(u, "POST", `/api/v1/collections/${id}/query`, {
        query_vector: basis(0, 2),
        top_k: 3,
      });
      const got = q.body.matches.map((m: { doc_id: string; distance: number }) => m.distance);
      assert.deepEqual(
        got.map((d: number) => Math.round(d * 1e5) / 1e5),
        expected[metric].map(
          ([, d]) => Math.round(d * 1e5) / 1e5,
        ),
        metric,
      );
      if (metric !== "cosine") {
        assert.deepEqual(
          q.body.matches.map((m: { doc_id: string }) => m.doc_id),
          expected[metric].map(([d]) => d),
        );
      }
    }
  } finally {
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});
