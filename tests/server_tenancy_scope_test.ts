import assert from "node:assert/strict";
import { scrapeMetrics } from "../src/metrics/target_rss.ts";
import { withTenancyServer } from "./tenancy_server.ts";

const DIM = 16;

/** Items 1-3 of the tenancy issue: metrics and health, tenant admins, server-wide settings. */
Deno.test("tenancy scope: server-wide metrics and health need the operator or a metrics reader; tenants see their own counts", async () => {
  await withTenancyServer(["--tiering"], async (s) => {
    const a = await s.tenant("a", ["developer"]);
    const b = await s.tenant("b", ["admin", "developer", "viewer", "auditor"]);
    const made = await s.as(a.keys.developer, "POST", "/api/v1/collections", {
      name: "secret",
      dimension: DIM,
      metric: "l2",
    });
    const aColl = made.body.collection_id as string;
    await s.as(b.keys.developer, "POST", "/api/v1/collections", {
      name: "mine",
      dimension: DIM,
      metric: "l2",
    });

    for (const path of ["/metrics", "/admin/health", "/api/v1/metrics/tiers"]) {
      assert.equal((await s.as(null, "GET", path)).status, 401, `anonymous ${path}`);
    }
    for (const role of ["admin", "developer", "viewer", "auditor"]) {
      for (const path of ["/metrics", "/admin/health"]) {
        const res = await s.as(b.keys[role], "GET", path);
        assert.equal(res.status, 403, `${role} ${path}`);
        assert.ok(!JSON.stringify(res.body).includes(aColl));
      }
    }
    // Liveness and readiness stay anonymous and count nothing.
    const health = await s.as(null, "GET", "/health");
    assert.equal(health.status, 200);
    assert.deepEqual(Object.keys(health.body).sort(), ["message", "status"]);
    assert.equal((await s.as(null, "GET", "/ready")).status, 200);

    // A tenant's tier counts are of its own collections; the operator's of every collection.
    const own = await s.as(b.keys.viewer, "GET", "/api/v1/metrics/tiers");
    assert.equal(own.status, 200);
    assert.equal(own.body.total_collections, 1);
    const all = await s.as(s.operatorKey, "GET", "/api/v1/metrics/tiers");
    assert.equal(all.body.total_collections, 2);

    // The operator, and a metrics-reader key it makes, read the server-wide views.
    const reader = await s.as(s.operatorKey, "POST", "/admin/tenants/default/keys", {
      role: "metrics_reader",
      name: "prometheus",
    });
    assert.equal(reader.status, 201);
    for (const key of [s.operatorKey, reader.body.api_key]) {
      const metrics = await s.as(key, "GET", "/metrics");
      assert.equal(metrics.status, 200);
      assert.match(
        metrics.body,
        new RegExp(`akidb_collection_vectors\\{collection_id="${aColl}"\\}`),
      );
      const details = await s.as(key, "GET", "/admin/health");
      assert.equal(details.body.components.storage.collections, 2);
      assert.equal((await s.as(key, "GET", "/api/v1/metrics/tiers")).body.total_collections, 2);
    }
    // The run's sampler scrapes with the operator's key (ScenarioTarget.metricsKey).
    assert.equal(await scrapeMetrics(`${s.url}/metrics`, 5000), null);
    const scraped = await scrapeMetrics(`${s.url}/metrics`, 5000, s.operatorKey);
    assert.ok(scraped!.samples.some((x) => x.name === "akidb_collection_vectors"));
    // A metrics reader reads; it neither changes settings nor touches tenants' data.
    const r = reader.body.api_key;
    assert.equal((await s.as(r, "PUT", "/api/v1/tiering/policy", {})).status, 403);
    assert.equal((await s.as(r, "GET", `/api/v1/collections/${aColl}`)).status, 403);
    assert.equal((await s.as(r, "GET", "/api/v1/audit")).status, 403);
    // Nobody but the operator makes server-wide keys.
    const asAdmin = await s.as(b.keys.admin, "POST", `/admin/tenants/${b.id}/keys`, {
      role: "metrics_reader",
    });
    assert.equal(asAdmin.status, 403);
  });
});

Deno.test("tenancy scope: a tenant admin acts only inside its tenant", async () => {
  await withTenancyServer([], async (s) => {
    const a = await s.tenant("a", ["developer", "auditor"]);
    const b = await s.tenant("b", ["admin"]);
    const aColl = (await s.as(a.keys.developer, "POST", "/api/v1/collections", {
      name: "secret",
      dimension: DIM,
      metric: "l2",
    })).body.collection_id;
    const admin = b.keys.admin;

    const listed = await s.as(admin, "GET", "/admin/tenants");
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.tenants.map((t: { tenant_id: string }) => t.tenant_id), [b.id]);
    assert.equal((await s.as(admin, "POST", "/admin/tenants", { name: "c" })).status, 403);
    for (const path of [`/admin/tenants/${a.id}/keys`, `/admin/tenants/${a.id}/api-keys`]) {
      assert.equal((await s.as(admin, "POST", path, { role: "developer" })).status, 404);
      assert.equal((await s.as(admin, "GET", path)).status, 404);
    }
    assert.equal((await s.as(admin, "GET", `/api/v1/collections/${aColl}`)).status, 404);
    assert.equal((await s.as(admin, "GET", `/api/v1/audit?tenant=${a.id}`)).status, 403);
    const audit = await s.as(admin, "GET", "/api/v1/audit?limit=1000");
    assert.equal(audit.status, 200);
    assert.ok(audit.body.entries.length > 0);
    assert.ok(audit.body.entries.every((e: { tenant_id: string }) => e.tenant_id === b.id));
    // A tenant admin cannot make itself the operator.
    const op = await s.as(admin, "POST", `/admin/tenants/${b.id}/keys`, { role: "operator" });
    assert.equal(op.status, 403);

    // Inside its tenant it does what an admin does: keys, and what they can do.
    const dev = await s.as(admin, "POST", `/admin/tenants/${b.id}/keys`, { role: "developer" });
    assert.equal(dev.status, 201);
    const made = await s.as(dev.body.api_key, "POST", "/api/v1/collections", {
      name: "own",
      dimension: DIM,
      metric: "l2",
    });
    assert.equal(made.status, 201);
    // The operator sees every tenant and every tenant's audit entries.
    const every = await s.as(s.operatorKey, "GET", "/admin/tenants");
    assert.equal(every.body.tenants.length, 3);
    const aEntries = await s.as(s.operatorKey, "GET", `/api/v1/audit?tenant=${a.id}`);
    assert.ok(aEntries.body.entries.length > 0);
  });
});

Deno.test("tenancy scope: server-wide settings (tiering policy, faults, breaker, DLQ) need the operator", async () => {
  await withTenancyServer(["--faults", "--resilience-time-scale", "0.001"], async (s) => {
    const b = await s.tenant("b", ["admin", "developer", "viewer", "auditor"]);
    const before = (await s.as(s.operatorKey, "GET", "/api/v1/tiering/policy")).body;
    const changes: [string, string, unknown?][] = [
      ["PUT", "/api/v1/tiering/policy", { hot_to_warm_idle_s: 1 }],
      ["POST", "/admin/faults", { s3_error_rate: 1 }],
      ["DELETE", "/admin/faults"],
      ["POST", "/admin/circuit-breaker/reset"],
      ["GET", "/admin/dlq"],
      ["GET", "/admin/faults"],
      ["GET", "/api/v1/tiering/policy"],
    ];
    for (const role of Object.keys(b.keys)) {
      for (const [method, path, body] of changes) {
        const res = await s.as(b.keys[role], method, path, body);
        assert.equal(res.status, 403, `${role} ${method} ${path}`);
      }
    }
    assert.deepEqual((await s.as(s.operatorKey, "GET", "/api/v1/tiering/policy")).body, before);
    const set = await s.as(s.operatorKey, "PUT", "/api/v1/tiering/policy", {
      hot_to_warm_idle_s: 7,
    });
    assert.equal(set.status, 200);
    assert.equal(set.body.hot_to_warm_idle_s, 7);
    assert.equal((await s.as(s.operatorKey, "DELETE", "/admin/faults")).status, 200);
  });
});
