import { errorOf } from "./target_error_of.ts";
import assert from "node:assert/strict";
import { AkidbTarget } from "../src/targets/akidb.ts";
import { encodeAhead } from "../src/targets/vector_text.ts";

/** A fake AkiDB that answers like the real one: plain-text errors, 500s for validation. */
function fakeAkidb(): { url: string; seen: Headers[]; close(): Promise<void> } {
  const seen: Headers[] = [];
  // The slow query answers only at close: the client's timeout always comes first.
  const closing = Promise.withResolvers<void>();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    seen.push(req.headers);
    const path = new URL(req.url).pathname;
    if (req.method === "POST" && path === "/api/v1/collections") {
      return Response.json({ collection_id: "c1", name: "n", dimension: 4, metric: "cosine" }, {
        status: 201,
      });
    }
    if (path === "/api/v1/collections/c1/insert") {
      return new Response("Internal error: dimension mismatch: expected 4, got 3", { status: 500 });
    }
    if (path === "/api/v1/collections/bad/insert") {
      return new Response("Invalid doc_id", { status: 400 });
    }
    if (path === "/api/v1/collections/json/insert") {
      return Response.json({ error: "duplicate doc_id" }, { status: 409 });
    }
    if (path === "/api/v1/collections/c1/query") {
      return Response.json({
        matches: [{ doc_id: "d1", external_id: null, distance: 0.9 }],
        latency_ms: 1,
      });
    }
    if (path === "/api/v1/collections/garbled/query") {
      return new Response("<html>oops</html>", { status: 200 });
    }
    if (path === "/api/v1/collections/slow/query") {
      await closing.promise;
      return Response.json({ matches: [] });
    }
    if (path === "/api/v1/collections/c1/docs/missing") return Response.json({ document: null });
    if (path === "/api/v1/collections/c1/docs/d1") {
      return Response.json({
        document: { doc_id: "d1", external_id: "x", vector: [1, 2, 3, 4], inserted_at: "t" },
      });
    }
    if (path === "/api/v1/collections/gone") {
      return new Response("Collection not found", { status: 404 });
    }
    return new Response("Not Found", { status: 404 });
  });
  const addr = server.addr as Deno.NetAddr;
  const close = () => {
    closing.resolve();
    return server.shutdown();
  };
  return { url: `http://127.0.0.1:${addr.port}`, seen, close };
}

Deno.test("akidb adapter: successful calls map AkiDB's JSON shapes", async () => {
  const fake = fakeAkidb();
  const t = new AkidbTarget(fake.url);
  try {
    assert.equal(await t.createCollection({ name: "n", dimension: 4, metric: "cosine" }), "c1");
    assert.deepEqual(await t.search("c1", new Float32Array(4), 1), [
      { id: "d1", externalId: null, score: 0.9 },
    ]);
    assert.equal(await t.get("c1", "missing"), null);
    const doc = await t.get("c1", "d1");
    assert.deepEqual(doc?.vector, Float32Array.from([1, 2, 3, 4]));
    assert.equal(await t.getCollection("gone"), null, "404 on a collection reads as absent");
    assert.deepEqual(await t.capabilities(), {
      tiering: false,
      tenancy: false,
      audit: false,
      faults: false,
    }, "no /api/v1/capabilities (404) means no extensions");
    assert.equal((await t.features()).batch_insert, false);
  } finally {
    await t.close();
    await fake.close();
  }
});

Deno.test("akidb adapter: plain-text 500s, 4xx, JSON errors and bad bodies become TargetErrors", async () => {
  const fake = fakeAkidb();
  const t = new AkidbTarget(fake.url);
  const doc = { id: "d", vector: new Float32Array(3) };
  try {
    const e500 = await errorOf(t.insert("c1", doc));
    assert.equal(e500.errorClass, "http_5xx");
    assert.equal(e500.status, 500);
    assert.match(e500.message, /500 Internal error: dimension mismatch/);
    const e400 = await errorOf(t.insert("bad", doc));
    assert.equal(e400.errorClass, "http_4xx");
    assert.match(e400.message, /400 Invalid doc_id/);
    const e409 = await errorOf(t.insert("json", doc));
    assert.equal(e409.errorClass, "http_4xx");
    assert.match(e409.message, /409 duplicate doc_id$/);
    const garbled = await errorOf(t.search("garbled", new Float32Array(4), 1));
    assert.equal(garbled.errorClass, "invalid_response");
    const e404 = await errorOf(t.delete("c1", "nope"));
    assert.equal(e404.errorClass, "http_4xx");
  } finally {
    await t.close();
    await fake.close();
  }
});

Deno.test("akidb adapter: timeouts and refused connections are classified", async () => {
  const fake = fakeAkidb();
  const t = new AkidbTarget(fake.url);
  try {
    const slow = await errorOf(
      t.search("slow", new Float32Array(4), 1, { signal: AbortSignal.timeout(50) }),
    );
    assert.equal(slow.errorClass, "timeout");
  } finally {
    await t.close();
    await fake.close();
  }
  const dead = new AkidbTarget(fake.url);
  try {
    assert.equal(
      (await errorOf(dead.search("c1", new Float32Array(4), 1))).errorClass,
      "connection",
    );
    assert.equal(await dead.healthy(), false);
  } finally {
    await dead.close();
  }
});

Deno.test("akidb adapter: a tenant's API key goes in the Authorization header", async () => {
  const fake = fakeAkidb();
  const t = new AkidbTarget(fake.url);
  try {
    await t.search("c1", new Float32Array(4), 1, { apiKey: "ak_" + "0".repeat(64) });
    assert.equal(fake.seen.at(-1)?.get("authorization"), `Bearer ak_${"0".repeat(64)}`);
    await t.search("c1", new Float32Array(4), 1);
    assert.equal(fake.seen.at(-1)?.get("authorization"), null);
  } finally {
    await t.close();
    await fake.close();
  }
});

Deno.test("akidb adapter: the fetch transport classifies like the default HTTP/1.1 pool", async () => {
  const fake = fakeAkidb();
  const t = new AkidbTarget(fake.url, undefined, "fetch");
  const http1 = new AkidbTarget(fake.url);
  try {
    assert.equal(t.http.transportKind, "fetch");
    assert.equal(http1.http.transportKind, "http1");
    const https = new AkidbTarget("https://example.invalid");
    assert.equal(https.http.transportKind, "fetch", "https:// always goes through fetch");
    await https.close();
    const doc = { id: "d", vector: new Float32Array(3) };
    for (const target of [t, http1]) {
      assert.equal((await errorOf(target.insert("c1", doc))).errorClass, "http_5xx");
      assert.equal((await errorOf(target.insert("bad", doc))).errorClass, "http_4xx");
      assert.equal(
        (await errorOf(target.search("garbled", new Float32Array(4), 1))).errorClass,
        "invalid_response",
      );
      assert.deepEqual(await target.search("c1", new Float32Array(4), 1), [
        { id: "d1", externalId: null, score: 0.9 },
      ]);
    }
  } finally {
    await t.close();
    await http1.close();
    await fake.close();
  }
});

Deno.test("akidb adapter: a query formatted ahead sends its cached body, right for each k and collection", async () => {
  const bodies: string[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    bodies.push(`${new URL(req.url).pathname} ${await req.text()}`);
    return Response.json({ matches: [{ doc_id: "d1", external_id: "e", distance: 0.5 }] });
  });
  const t = new AkidbTarget(`http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`);
  try {
    const v = Float32Array.from([0.1, -2, 3.5]);
    encodeAhead([v]);
    for (const [collection, k] of [["c1", 1], ["c1", 1], ["c1", 2], ["c2", 1]] as const) {
      assert.deepEqual(await t.search(collection, v, k), [
        { id: "d1", externalId: "e", score: 0.5 },
      ]);
    }
    const text = "[0.1,-2,3.5]"; // float32 JSON: 0.1f as 0.1 (float32_json.ts)
    assert.deepEqual(bodies, [
      `/api/v1/collections/c1/query {"query_vector":${text},"top_k":1}`,
      `/api/v1/collections/c1/query {"query_vector":${text},"top_k":1}`,
      `/api/v1/collections/c1/query {"query_vector":${text},"top_k":2}`,
      `/api/v1/collections/c2/query {"query_vector":${text},"top_k":1}`,
    ]);
  } finally {
    await t.close();
    await server.shutdown();
  }
});
