/**
 * The server's domain (store, collections, WAL, tiers, tenants) throws DomainError, which knows
 * nothing of HTTP; error_status.ts alone maps its kinds to statuses.
 */
import assert from "node:assert/strict";
import { relative } from "node:path";
import { DomainError } from "../src/server/domain_error.ts";
import { httpErrorOf } from "../src/server/error_status.ts";
import { sourceFiles } from "./source_files.ts";
import { startServer } from "../src/server/start.ts";

const SERVER = new URL("../src/server/", import.meta.url).pathname;

/** The HTTP layer: the only files of src/server/ that may import http_error.ts. */
const HTTP_LAYER = /^(error_status|json_body)\.ts$|^routes\/|^akidb_compat\/|_routes\.ts$/;

Deno.test("every domain error kind reaches the client with its status, a JSON body, no Connection: close", async () => {
  const server = await startServer({ quiet: true });
  try {
    const post = (path: string, body: unknown) =>
      fetch(server.url + path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const answer = async (res: Response) => ({
      status: res.status,
      connection: res.headers.get("connection"),
      body: await res.json(),
    });
    const spec = { name: "d", dimension: 16, metric: "cosine" };
    const created = await (await post("/api/v1/collections", spec)).json();
    const id = created.collection_id;
    // invalid_input: vector_input.ts; conflict, not_found, unavailable: store.ts.
    assert.deepEqual(
      await answer(
        await post(`/api/v1/collections/${id}/insert`, {
          doc_id: "0190a000-0000-7000-8000-000000000001",
          vector: [1, 2],
        }),
      ),
      {
        status: 400,
        connection: null,
        body: { error: `vector has dimension 2, collection ${id} expects 16` },
      },
    );
    assert.deepEqual(await answer(await post("/api/v1/collections", spec)), {
      status: 409,
      connection: null,
      body: { error: "collection named 'd' already exists" },
    });
    const missing = "0190a000-0000-7000-8000-000000000000";
    assert.deepEqual(await answer(await fetch(`${server.url}/api/v1/collections/${missing}`)), {
      status: 404,
      connection: null,
      body: { error: `collection ${missing} not found` },
    });
    await server.store.close();
    assert.deepEqual(await answer(await post("/api/v1/collections", { ...spec, name: "e" })), {
      status: 503,
      connection: null,
      body: { error: "server is shutting down" },
    });
  } finally {
    await server.close();
  }
});

Deno.test("a domain error's message is capped as every HTTP error's; other errors are not mapped", () => {
  const mapped = httpErrorOf(new DomainError("unavailable", "x".repeat(5000)));
  assert.equal(mapped?.status, 503);
  assert.equal(mapped?.message, `${"x".repeat(1000)}… (5000 characters)`);
  assert.equal(mapped?.closeConnection, false);
  assert.equal(httpErrorOf(new Error("boom")), undefined);
});

Deno.test("src/server/ imports http_error.ts only from its HTTP layer (routes, bodies, error_status.ts)", async () => {
  const importers: string[] = [];
  for await (const { path, text } of sourceFiles(SERVER)) {
    if (/from\s*["'][./]*http_error\.ts["']/.test(text)) importers.push(relative(SERVER, path));
  }
  assert.ok(importers.includes("error_status.ts"), `the scan found ${importers}: it is broken`);
  assert.deepEqual(importers.filter((path) => !HTTP_LAYER.test(path)), []);
  // The domain files that threw HttpError before DomainError existed.
  for (
    const path of [
      "store.ts",
      "collection.ts",
      "wal.ts",
      "vector_input.ts",
      "tiering/tier_manager.ts",
      "tenancy/tenancy_store.ts",
    ]
  ) assert.ok(!HTTP_LAYER.test(path) && !importers.includes(path), path);
});
