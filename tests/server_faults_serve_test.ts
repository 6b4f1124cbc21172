import assert from "node:assert/strict";
import { generateApiKey } from "../src/server/tenancy/api_key.ts";
import { spawnServer } from "./server_child.ts";

Deno.test("serve --tenancy --faults: capabilities, admin-only fault injection", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "akidb-serve-ext-" });
  const adminKey = generateApiKey();
  const { child, url } = await spawnServer(dataDir, [
    "--tenancy",
    "--admin-key",
    adminKey,
    "--faults",
    "--resilience-time-scale",
    "0.001",
  ]);
  try {
    const call = async (method: string, path: string, key?: string, body?: unknown) => {
      const res = await fetch(url + path, {
        method,
        headers: {
          ...(key ? { "x-api-key": key } : {}),
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: await res.json() };
    };
    const caps = await call("GET", "/api/v1/capabilities");
    assert.deepEqual(
      { ...caps.body, batch_insert: undefined },
      { tiering: true, tenancy: true, audit: true, faults: true, batch_insert: undefined },
    );
    assert.equal(
      (await call("POST", "/admin/faults", undefined, { s3_error_rate: 1 })).status,
      401,
    );
    const tenant = await call("POST", "/admin/tenants", adminKey, { name: "t" });
    const dev = await call("POST", `/admin/tenants/${tenant.body.tenant_id}/keys`, adminKey, {
      role: "developer",
      name: "dev",
    });
    const devKey = dev.body.api_key;
    assert.equal((await call("POST", "/admin/faults", devKey, { s3_error_rate: 1 })).status, 403);
    const set = await call("POST", "/admin/faults", adminKey, { s3_throttle_rate: 0.5 });
    assert.equal(set.status, 200);
    assert.equal(set.body.s3_throttle_rate, 0.5);
    assert.equal((await call("GET", "/admin/faults", adminKey)).body.active, true);
    const bad = await call("POST", "/admin/faults", adminKey, { s3_error_rate: 2 });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /s3_error_rate/);
    assert.equal((await call("DELETE", "/admin/faults", adminKey)).body.active, false);
    const created = await call("POST", "/api/v1/collections", devKey, {
      name: "c",
      dimension: 16,
      metric: "l2",
    });
    const tier = await call(
      "GET",
      `/api/v1/collections/${created.body.collection_id}/tier`,
      devKey,
    );
    assert.equal(tier.body.tier, "hot");
    const other = await call("POST", "/admin/tenants", adminKey, { name: "other" });
    const otherKey = (await call("POST", `/admin/tenants/${other.body.tenant_id}/keys`, adminKey, {
      role: "admin",
      name: "other-admin",
    })).body.api_key;
    const hidden = await call(
      "GET",
      `/api/v1/collections/${created.body.collection_id}/tier`,
      otherKey,
    );
    assert.equal(hidden.status, 404, "another tenant's collection tier is not found");
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await Deno.remove(dataDir, { recursive: true });
  }
});
