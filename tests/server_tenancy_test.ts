import assert from "node:assert/strict";
import { startServer } from "../src/server/start.ts";
import { uuidV7 } from "../src/server/uuid_v7.ts";
import { startTenancy } from "../src/server/tenancy/tenancy_extension.ts";
import { generateApiKey, hashApiKey, isApiKey } from "../src/server/tenancy/api_key.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function setup() {
  const dataDir = await Deno.makeTempDir({ prefix: "akidb-tenancy-test-" });
  const adminKey = generateApiKey();
  const tenancy = startTenancy({ dataDir, adminKey });
  const server = await startServer({ dataDir, quiet: true, extensions: tenancy.extensions });
  const call = async (key: string | null, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(server.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const close = async () => {
    await server.close();
    tenancy.close();
    await Deno.remove(dataDir, { recursive: true });
  };
  return { dataDir, adminKey, tenancy, server, call, close };
}

Deno.test("tenancy: API keys are ak_ + 64 hex and stored only as SHA-256", opts, async () => {
  const env = await setup();
  try {
    const t = await env.call(env.adminKey, "POST", "/admin/tenants", { name: "acme" });
    const k = await env.call(env.adminKey, "POST", `/admin/tenants/${t.body.tenant_id}/keys`, {
      role: "developer",
      name: "ci",
    });
    assert.equal(k.status, 201);
    assert.ok(isApiKey(k.body.api_key));
    const db = await Deno.readFile(`${env.dataDir}/tenancy.sqlite`);
    const wal = await Deno.readFile(`${env.dataDir}/tenancy.sqlite-wal`).catch(() =>
      new Uint8Array()
    );
    const text = new TextDecoder("latin1").decode(db) + new TextDecoder("latin1").decode(wal);
    assert.equal(text.includes(k.body.api_key), false, "the key itself is never stored");
    assert.equal(text.includes(hashApiKey(k.body.api_key)), true);
  } finally {
    await env.close();
  }
});

Deno.test("tenancy: roles, tenant isolation (404) and the audit log", opts, async () => {
  const env = await setup();
  const { call, adminKey } = env;
  try {
    assert.equal((await call(null, "GET", "/api/v1/collections")).status, 401);
    assert.equal((await call("ak_" + "0".repeat(64), "GET", "/api/v1/collections")).status, 401);
    assert.equal((await call(null, "GET", "/health")).status, 200, "health stays public");
    const caps = await call(null, "GET", "/api/v1/capabilities");
    assert.equal(caps.body.tenancy, true);
    assert.equal(caps.body.audit, true);

    const a = (await call(adminKey, "POST", "/admin/tenants", { name: "tenant-a" })).body;
    const b = (await call(adminKey, "POST", "/admin/tenants", { name: "tenant-b" })).body;
    assert.equal(
      (await call(adminKey, "POST", "/admin/tenants", { name: "tenant-a" })).status,
      409,
    );
    const key = async (tenant: string, role: string) =>
      (await call(adminKey, "POST", `/admin/tenants/${tenant}/keys`, { role, name: role })).body
        .api_key as string;
    const devA = await key(a.tenant_id, "developer");
    const viewerA = await key(a.tenant_id, "viewer");
    const auditorA = (await call(adminKey, "POST", `/admin/tenants/${a.tenant_id}/api-keys`, {
      role: "auditor",
    })).body.api_key as string;
    const devB = await key(b.tenant_id, "developer");
    assert.equal((await call(devA, "POST", "/admin/tenants", { name: "x" })).status, 403);
    const listed = await call(adminKey, "GET", "/admin/tenants");
    assert.deepEqual(
      listed.body.tenants.map((t: { name: string }) => t.name),
      ["default", "tenant-a", "tenant-b"],
    );

    const created = await call(devA, "POST", "/api/v1/collections", {
      name: "docs",
      dimension: 16,
      metric: "cosine",
    });
    assert.equal(created.status, 201);
    const id = created.body.collection_id;
    const doc = { doc_id: uuidV7(), vector: Array.from({ length: 16 }, (_, i) => i + 1) };
    assert.equal((await call(devA, "POST", `/api/v1/collections/${id}/insert`, doc)).status, 200);

    // Viewer: reads and queries, never writes.
    const q = { query_vector: doc.vector, top_k: 1 };
    assert.equal((await call(viewerA, "POST", `/api/v1/collections/${id}/query`, q)).status, 200);
    const viewerInsert = { ...doc, doc_id: uuidV7() };
    assert.equal(
      (await call(viewerA, "POST", `/api/v1/collections/${id}/insert`, viewerInsert)).status,
      403,
    );
    assert.equal((await call(viewerA, "DELETE", `/api/v1/collections/${id}`)).status, 403);
    // Auditor: only the audit log.
    assert.equal((await call(auditorA, "GET", "/api/v1/collections")).status, 403);

    // Another tenant never learns the collection exists; the same name is free for it.
    assert.equal((await call(devB, "GET", `/api/v1/collections/${id}`)).status, 404);
    assert.equal((await call(devB, "POST", `/api/v1/collections/${id}/query`, q)).status, 404);
    assert.deepEqual((await call(devB, "GET", "/api/v1/collections")).body.collections, []);
    const sameName = await call(devB, "POST", "/api/v1/collections", {
      name: "docs",
      dimension: 16,
      metric: "cosine",
    });
    assert.equal(sameName.status, 201);

    const all = await call(auditorA, "GET", "/api/v1/audit?limit=1000");
    assert.equal(all.status, 200);
    assert.ok(all.body.entries.every((e: { tenant_id: string }) => e.tenant_id === a.tenant_id));
    const denied = await call(auditorA, "GET", "/api/v1/audit?result=denied");
    assert.deepEqual(
      denied.body.entries.map((e: { principal: string; action: string }) =>
        `${e.principal} ${e.action}`
      ),
      [
        "auditor collection.read",
        "viewer collection.delete",
        "viewer document.insert",
        "developer tenant.create",
      ],
    );
    const inserts = await call(
      auditorA,
      "GET",
      "/api/v1/audit?action=document.insert&result=allowed",
    );
    assert.equal(inserts.body.count, 1);
    assert.equal(inserts.body.entries[0].resource, `collection/${id}`);
    assert.equal(inserts.body.entries[0].status, 200);
    assert.equal((await call(auditorA, "GET", `/api/v1/audit?tenant=${b.tenant_id}`)).status, 403);
    const crossTenant = await call(adminKey, "GET", `/api/v1/audit?tenant=${b.tenant_id}`);
    assert.ok(
      crossTenant.body.entries.some((e: { status: number; resource: string }) =>
        e.status === 404 && e.resource === `collection/${id}`
      ),
      "the cross-tenant probe is audited",
    );
    const unknown = await call(adminKey, "GET", "/api/v1/audit?result=denied&limit=100");
    assert.ok(
      unknown.body.entries.some((e: { principal: string; status: number }) =>
        e.principal === "anonymous" && e.status === 401
      ),
    );
    const future = new Date(Date.now() + 60_000).toISOString();
    assert.equal((await call(adminKey, "GET", `/api/v1/audit?since=${future}`)).body.count, 0);
    assert.equal((await call(adminKey, "GET", "/api/v1/audit?limit=0")).status, 400);
  } finally {
    await env.close();
  }
});

Deno.test("tenancy: X-API-Key works and the audit log survives a restart", opts, async () => {
  const env = await setup();
  try {
    const res = await fetch(env.server.url + "/api/v1/collections", {
      headers: { "x-api-key": env.adminKey },
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    env.tenancy.close();
    const again = startTenancy({ dataDir: env.dataDir, adminKey: env.adminKey });
    const entries = again.audit.query({ action: "collection.read", limit: 10 });
    assert.equal(entries.length, 1);
    assert.equal(entries[0].principal, "bootstrap-admin");
    again.close();
  } finally {
    await env.server.close();
    await Deno.remove(env.dataDir, { recursive: true });
  }
});
