import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { withTenancyServer } from "./tenancy_server.ts";

/** Item 4 of the tenancy issue: keys are revoked and expire at once, and record their last use. */
Deno.test("tenancy keys: a revoked key gets 401 on its next request, also after a restart", async () => {
  await withTenancyServer([], async (s) => {
    const b = await s.tenant("b", ["admin"]);
    const made = await s.as(b.keys.admin, "POST", `/admin/tenants/${b.id}/keys`, {
      role: "developer",
      name: "ci",
    });
    assert.equal(made.status, 201);
    assert.equal(made.body.expires_at, null);
    const key = made.body.api_key;
    // Used first, so the server has looked it up (and cached it) before the revocation.
    assert.equal((await s.as(key, "GET", "/api/v1/collections")).status, 200);
    const keys = `/admin/tenants/${b.id}/keys`;
    const listed = (await s.as(b.keys.admin, "GET", keys)).body.keys;
    const ci = listed.find((k: { key_id: string }) => k.key_id === made.body.key_id);
    assert.equal(ci.revoked_at, null);
    assert.ok(Date.parse(ci.last_used_at) >= Date.parse(ci.created_at));
    assert.ok(!JSON.stringify(listed).includes(key), "listing never shows a key");

    const revoked = await s.as(b.keys.admin, "DELETE", `${keys}/${made.body.key_id}`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revoked_at);
    const refused = await s.as(key, "GET", "/api/v1/collections");
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, "API key revoked");
    assert.equal(
      (await s.as(b.keys.admin, "DELETE", `${keys}/${crypto.randomUUID()}`)).status,
      404,
    );
    // The last use is written when the server stops, and the revocation outlives it.
    await s.stop();
    await s.restart();
    assert.equal((await s.as(key, "GET", "/api/v1/collections")).status, 401);
    const after = (await s.as(s.operatorKey, "GET", keys)).body.keys;
    const again = after.find((k: { key_id: string }) => k.key_id === made.body.key_id);
    assert.equal(again.last_used_at, ci.last_used_at);
    assert.equal(again.revoked_at, revoked.body.revoked_at);
  });
});

Deno.test("tenancy keys: a key with an expiry gets 401 from that time on", async () => {
  await withTenancyServer([], async (s) => {
    const b = await s.tenant("b", ["admin"]);
    const keys = `/admin/tenants/${b.id}/keys`;
    const made = await s.as(b.keys.admin, "POST", keys, { role: "viewer", expires_in_s: 3 });
    assert.equal(made.status, 201);
    const expiresAt = Date.parse(made.body.expires_at);
    assert.equal((await s.as(made.body.api_key, "GET", "/api/v1/collections")).status, 200);
    await sleep(expiresAt - Date.now() + 50);
    const refused = await s.as(made.body.api_key, "GET", "/api/v1/collections");
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, "API key expired");
    const past = new Date(Date.now() - 1000).toISOString();
    assert.equal(
      (await s.as(b.keys.admin, "POST", keys, { role: "viewer", expires_at: past })).status,
      400,
    );
    const both = {
      role: "viewer",
      expires_at: new Date(Date.now() + 60_000).toISOString(),
      expires_in_s: 5,
    };
    assert.equal((await s.as(b.keys.admin, "POST", keys, both)).status, 400);
  });
});

Deno.test("tenancy keys: server-role keys are the operator's to revoke; the bootstrap key comes back at start", async () => {
  await withTenancyServer([], async (s) => {
    const reader = await s.as(s.operatorKey, "POST", "/admin/tenants/default/keys", {
      role: "metrics_reader",
    });
    const admin = await s.as(s.operatorKey, "POST", "/admin/tenants/default/keys", {
      role: "admin",
    });
    const path = `/admin/tenants/default/keys/${reader.body.key_id}`;
    assert.equal((await s.as(admin.body.api_key, "DELETE", path)).status, 403);
    assert.equal((await s.as(s.operatorKey, "DELETE", path)).status, 200);
    assert.equal((await s.as(reader.body.api_key, "GET", "/metrics")).status, 401);
    // The operator may revoke its own key (locking itself out until the next start).
    const own = (await s.as(s.operatorKey, "GET", "/admin/tenants/default/keys")).body.keys
      .find((k: { role: string }) => k.role === "operator");
    const self = `/admin/tenants/default/keys/${own.key_id}`;
    assert.equal((await s.as(s.operatorKey, "DELETE", self)).status, 200);
    assert.equal((await s.as(s.operatorKey, "GET", "/metrics")).status, 401);
    await s.stop();
    await s.restart();
    assert.equal((await s.as(s.operatorKey, "GET", "/metrics")).status, 200);
  });
});
