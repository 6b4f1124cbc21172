import assert from "node:assert/strict";
import { spawnServer } from "./server_child.ts";
import { call, docId } from "./server_http_client.ts";
import { float32Text } from "../src/server/float32_text.ts";

/**
 * The reference server where a real AkiDB 2.0 client would notice a difference (issue 15,
 * items 1–9), each against `akibench serve` as a child process.
 */
async function withServer(fn: (url: string) => Promise<void>) {
  const dataDir = await Deno.makeTempDir({ prefix: "akibench-parity-" });
  const { child, url } = await spawnServer(dataDir);
  try {
    await fn(url);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dataDir, { recursive: true });
  }
}

async function collection(url: string, metric = "l2", dimension = 16): Promise<string> {
  const created = await call(url, "POST", "/api/v1/collections", {
    name: metric,
    dimension,
    metric,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.collection_id;
}

const vector16 = Array.from({ length: 16 }, (_, i) => (i + 1) / 10); // 0.1 … 1.6

Deno.test("parity 1: vectors and distances are float32 in their shortest form", async () => {
  await withServer(async (url) => {
    const id = await collection(url);
    await call(url, "POST", `/api/v1/collections/${id}/insert`, {
      doc_id: docId(1),
      vector: vector16,
    });
    const got = await fetch(`${url}/api/v1/collections/${id}/docs/${docId(1)}`);
    const text = await got.text();
    assert.ok(
      text.includes(`"vector":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0,1.1,1.2,1.3,`),
      text,
    );
    assert.match(text, /"inserted_at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+00:00"/);
    const query = await fetch(`${url}/api/v1/collections/${id}/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query_vector: vector16.map((x) => x + 0.1), top_k: 1 }),
    });
    // The float32 nearest the computed distance (0.4 in reals), in its shortest form.
    const distance = /"distance":([^}]+)\}/.exec(await query.text())![1];
    assert.match(distance, /^0\.4\d{0,7}$/);
    assert.equal(distance, float32Text(Math.fround(Number(distance))));
  });
});

Deno.test("parity 2: /admin/health has AkiDB's database, storage and memory components", async () => {
  await withServer(async (url) => {
    const health = await call(url, "GET", "/admin/health");
    assert.equal(health.status, 200);
    assert.deepEqual(Object.keys(health.body.components), ["database", "storage", "memory"]);
    for (const component of Object.values(health.body.components) as Record<string, unknown>[]) {
      assert.deepEqual(Object.keys(component), ["status", "message", "details"]);
      assert.equal(component.status, "healthy");
      assert.equal(component.message, null);
    }
    assert.equal(health.body.components.storage.details.circuit_breaker, "closed");
    assert.equal(typeof health.body.components.memory.details.usage_percent, "number");
  });
});

Deno.test("parity 3: the circuit-breaker reset answers as AkiDB does", async () => {
  await withServer(async (url) => {
    const reset = await call(url, "POST", "/admin/circuit-breaker/reset");
    assert.deepEqual(reset, {
      status: 200,
      body: {
        status: "success",
        message: "Circuit breaker reset successfully",
        previous_state: "Closed",
        new_state: "Closed",
      },
    });
  });
});

Deno.test("parity 4: metric is case-insensitive and echoed as sent", async () => {
  await withServer(async (url) => {
    const created = await call(url, "POST", "/api/v1/collections", {
      name: "upper",
      dimension: 16,
      metric: "COSINE",
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.metric, "COSINE");
    const got = await call(url, "GET", `/api/v1/collections/${created.body.collection_id}`);
    assert.equal(got.body.collection.metric, "cosine");
    const bad = await call(url, "POST", "/api/v1/collections", {
      name: "x",
      dimension: 16,
      metric: "hamming",
    });
    assert.equal(bad.status, 400);
  });
});

Deno.test("parity 5: collection and doc ids in paths parse as AkiDB's UUIDs do", async () => {
  await withServer(async (url) => {
    const id = await collection(url);
    await call(url, "POST", `/api/v1/collections/${id}/insert`, {
      doc_id: docId(2).toUpperCase(),
      vector: vector16,
    });
    const simple = id.replaceAll("-", "");
    for (const form of [id.toUpperCase(), simple, `{${id}}`, `urn:uuid:${id}`]) {
      const got = await call(url, "GET", `/api/v1/collections/${encodeURIComponent(form)}`);
      assert.equal(got.status, 200, form);
      assert.equal(got.body.collection.collection_id, id);
      const doc = await call(
        url,
        "GET",
        `/api/v1/collections/${encodeURIComponent(form)}/docs/${docId(2).replaceAll("-", "")}`,
      );
      assert.equal(doc.body.document.doc_id, docId(2), form);
    }
    // Forms uuid's parse_str refuses.
    for (const form of [`URN:UUID:${id}`, `${simple}0`, `{${simple}}`]) {
      const got = await call(url, "GET", `/api/v1/collections/${encodeURIComponent(form)}`);
      assert.equal(got.status, 400, form);
    }
  });
});

Deno.test("parity 6: external_id has no 1,024-character limit", async () => {
  await withServer(async (url) => {
    const id = await collection(url);
    const externalId = "e".repeat(100_000);
    const inserted = await call(url, "POST", `/api/v1/collections/${id}/insert`, {
      doc_id: docId(3),
      external_id: externalId,
      vector: vector16,
    });
    assert.equal(inserted.status, 200, JSON.stringify(inserted.body).slice(0, 200));
    const doc = await call(url, "GET", `/api/v1/collections/${id}/docs/${docId(3)}`);
    assert.equal(doc.body.document.external_id, externalId);
  });
});

Deno.test("parity 7: Content-Type application/*+json is accepted", async () => {
  await withServer(async (url) => {
    const created = await call(url, "POST", "/api/v1/collections", {
      name: "vendor",
      dimension: 16,
      metric: "l2",
    }, { "content-type": "application/vnd.akidb+json; charset=utf-8" });
    assert.equal(created.status, 201);
    const refused = await call(url, "POST", "/api/v1/collections", {
      name: "text",
      dimension: 16,
      metric: "l2",
    }, { "content-type": "text/json" });
    assert.equal(refused.status, 415);
  });
});

Deno.test("parity 8: /metrics has akidb_total_collections and akidb_total_vectors", async () => {
  await withServer(async (url) => {
    const id = await collection(url);
    await collection(url, "cosine");
    for (const n of [4, 5]) {
      await call(url, "POST", `/api/v1/collections/${id}/insert`, {
        doc_id: docId(n),
        vector: vector16,
      });
    }
    const metrics = (await call(url, "GET", "/metrics")).body as string;
    assert.match(metrics, /^# TYPE akidb_total_collections gauge$/m);
    assert.match(metrics, /^akidb_total_collections 2$/m);
    assert.match(metrics, /^akidb_total_vectors 2$/m);
  });
});

/** Sends raw request bytes and returns the status line and headers of the answer. */
async function rawHead(url: string, request: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(url).port) });
  try {
    await conn.write(new TextEncoder().encode(request));
    const buffer = new Uint8Array(4096);
    const n = await conn.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, n ?? 0));
  } finally {
    conn.close();
  }
}

Deno.test("parity 9: non-UUID ids 400, other methods 405, AkiDB routes' bodies over 2 MiB 413", async () => {
  await withServer(async (url) => {
    const id = await collection(url);
    const bad = await call(url, "GET", "/api/v1/collections/not-a-uuid");
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^Invalid collection_id: /);
    const badDoc = await call(url, "GET", `/api/v1/collections/${id}/docs/nope`);
    assert.equal(badDoc.status, 400);
    assert.match(badDoc.body.error, /^Invalid doc_id: /);
    assert.equal(
      (await call(url, "POST", "/api/v1/collections/not-a-uuid/query", {
        query_vector: vector16,
        top_k: 1,
      })).status,
      400,
    );
    const put = await fetch(`${url}/api/v1/collections/${id}`, { method: "PUT" });
    await put.body?.cancel();
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "DELETE, GET, HEAD");
    assert.equal((await call(url, "GET", `/api/v1/collections/${id}/query`)).status, 405);
    assert.equal((await call(url, "DELETE", "/health")).status, 405);
    assert.equal((await call(url, "GET", "/api/v1/nothing")).status, 404);
    const over = 2 * 1024 * 1024 + 1;
    for (const path of ["/api/v1/collections", `/api/v1/collections/${id}/insert`]) {
      const head = await rawHead(
        url,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${over}\r\n\r\n{`,
      );
      assert.match(head, /^HTTP\/1.1 413 /, path);
    }
    // The reference's own insert_batch keeps its larger limit (64 MiB).
    const batch = await rawHead(
      url,
      `POST /api/v1/collections/${id}/insert_batch HTTP/1.1\r\nHost: x\r\n` +
        `Content-Type: application/json\r\nContent-Length: 3\r\n\r\n{}}`,
    );
    assert.match(batch, /^HTTP\/1.1 400 /);
    const bigBatch = Array.from({ length: 250 }, (_, i) => ({
      doc_id: docId(100 + i),
      vector: Array.from({ length: 16 }, () => 0.123456789),
      external_id: "x".repeat(10_000),
    }));
    const inserted = await call(url, "POST", `/api/v1/collections/${id}/insert_batch`, {
      docs: bigBatch,
    });
    assert.equal(inserted.status, 200, "a 2+ MiB insert_batch body is accepted");
  });
});

Deno.test("serve --compat: an unknown value, or akidb with extensions, is a usage error", async () => {
  const main = new URL("../src/cli/main.ts", import.meta.url).pathname;
  for (
    const [args, message] of [
      [["--compat", "milvus"], /--compat: unknown value 'milvus'/],
      [["--compat", "akidb", "--tenancy"], /--compat akidb serves AkiDB's routes only/],
    ] as const
  ) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, "serve", "--port", "0", ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, stderr);
    assert.match(stderr, message);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
  }
});
