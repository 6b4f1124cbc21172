import assert from "node:assert/strict";
import { buildApp } from "../src/server/app.ts";
import { faultRoutes } from "../src/server/faults/fault_routes.ts";
import { deadLetterRoutes } from "../src/server/faults/resilience_routes.ts";
import type { RouteDeps } from "../src/server/route_deps.ts";
import type { ServerExtensions } from "../src/server/server_env.ts";
import { tenancyRoutes } from "../src/server/tenancy/tenancy_routes.ts";
import { tierRoutes } from "../src/server/tiering/tier_routes.ts";
import { withTenancyServer } from "./tenancy_server.ts";

const DIM = 16;
const ROLES = ["admin", "developer", "viewer", "auditor"];

/**
 * Every route of the server, aimed at tenant A's collection, document, tenant and key, or at
 * the server's own settings: nothing any key of tenant B (or no key) may do.
 */
function attacks(a: { tenant: string; coll: string; doc: string; key: string }) {
  const doc = { doc_id: crypto.randomUUID(), vector: Array(DIM).fill(0.5) };
  const c = `/api/v1/collections/${a.coll}`;
  const routes: [string, string, unknown?][] = [
    ["GET", c],
    ["DELETE", c],
    ["POST", `${c}/insert`, doc],
    ["POST", `${c}/insert_batch`, { docs: [doc] }],
    ["POST", `${c}/query`, { query_vector: doc.vector, top_k: 1 }],
    ["GET", `${c}/docs/${a.doc}`],
    ["DELETE", `${c}/docs/${a.doc}`],
    ["GET", `${c}/tier`],
    ["POST", `${c}/tier`, { action: "pin" }],
    ["POST", `/admin/collections/${a.coll}/dlq/retry`],
    ["GET", `/api/v1/audit?tenant=${a.tenant}`],
    ["GET", `/admin/tenants/${a.tenant}`],
    ["DELETE", `/admin/tenants/${a.tenant}`],
    ["POST", "/admin/tenants", { name: `fuzz-${crypto.randomUUID()}` }],
    ["GET", "/metrics"],
    ["GET", "/admin/health"],
    ["GET", "/api/v1/tiering/policy"],
    ["PUT", "/api/v1/tiering/policy", { hot_to_warm_idle_s: 1 }],
    ["GET", "/admin/faults"],
    ["POST", "/admin/faults", { s3_error_rate: 1 }],
    ["DELETE", "/admin/faults"],
    ["GET", "/admin/dlq"],
    ["POST", "/admin/circuit-breaker/reset"],
  ];
  for (const keys of ["keys", "api-keys"]) {
    const k = `/admin/tenants/${a.tenant}/${keys}`;
    routes.push(["GET", k], ["POST", k, { role: "admin" }], ["DELETE", `${k}/${a.key}`]);
  }
  return routes;
}

/**
 * Routes a tenant's key may use with a 2xx, each only over its own tenant (the other test
 * checks they show nothing of A), and the anonymous ones (liveness, readiness, capabilities).
 */
const OWN_VIEWS = [
  "GET /health",
  "GET /ready",
  "GET /api/v1/capabilities",
  "GET /api/v1/collections",
  "POST /api/v1/collections",
  "GET /admin/tenants",
  "GET /api/v1/metrics/tiers",
  "GET /api/v1/audit",
];

Deno.test("tenancy fuzz: the attacks cover every route the server has", () => {
  const stub = {} as never;
  // The routes tiering_extension.ts and tenancy_extension.ts mount.
  const extensions: ServerExtensions = {
    routes: (app) => {
      app.route("/", tenancyRoutes(stub, stub));
      tierRoutes(app, stub, stub);
      app.route("/", deadLetterRoutes(stub));
      app.route("/", faultRoutes(stub));
    },
  };
  // Registering routes reads none of the deps; only requests would.
  const app = buildApp({ extensions } as unknown as RouteDeps);
  const id = "0190b2d4-0000-7000-8000-000000000001";
  const sent = attacks({ tenant: id, coll: id, doc: id, key: id }).map(([m, p]) =>
    `${m} ${p.replace(/\?.*$/, "")}`
  );
  const routes = app.routes.filter((r) => r.method !== "ALL");
  assert.ok(routes.length > 30);
  for (const { method, path } of routes) {
    const pattern = new RegExp(`^${method} ${path.replace(/:[a-z_]+/g, "[^/]+")}$`);
    const covered = sent.some((s) => pattern.test(s)) || OWN_VIEWS.includes(`${method} ${path}`);
    assert.ok(covered, `${method} ${path} is neither attacked nor a tenant's own view`);
  }
});

Deno.test("tenancy fuzz: no key of tenant B, of any role, gets a 2xx from any route aimed at tenant A or the server, and each attempt is audited as denied", async () => {
  await withTenancyServer(["--faults", "--resilience-time-scale", "0.001"], async (s) => {
    const a = await s.tenant("a", ["developer"]);
    const b = await s.tenant("b", ROLES);
    const coll = (await s.as(a.keys.developer, "POST", "/api/v1/collections", {
      name: "target",
      dimension: DIM,
      metric: "l2",
    })).body.collection_id;
    const doc = crypto.randomUUID();
    const vector = Array(DIM).fill(1);
    await s.as(a.keys.developer, "POST", `/api/v1/collections/${coll}/insert`, {
      doc_id: doc,
      vector,
    });
    const keyId = (await s.as(s.operatorKey, "GET", `/admin/tenants/${a.id}/keys`)).body.keys[0]
      .key_id;
    const routes = attacks({ tenant: a.id, coll, doc, key: keyId });
    const since = new Date().toISOString();
    const sent = new Map<string, { what: string; status: number }[]>();
    for (const [role, key] of [...ROLES.map((r) => [r, b.keys[r]]), ["anonymous", null]]) {
      const mine: { what: string; status: number }[] = [];
      sent.set(role!, mine);
      for (const [method, path, body] of routes) {
        const res = await s.as(key, method, path, body);
        const what = `${role} ${method} ${path}`;
        assert.ok(
          res.status === 401 || res.status === 403 || res.status === 404,
          `${what}: ${res.status}`,
        );
        mine.push({ what, status: res.status });
      }
    }
    // Nothing of A changed.
    const after = await s.as(a.keys.developer, "GET", `/api/v1/collections/${coll}/docs/${doc}`);
    assert.deepEqual(after.body.document.vector, vector);
    assert.equal((await s.as(s.operatorKey, "GET", "/admin/tenants")).body.tenants.length, 3);

    const query = `/api/v1/audit?since=${encodeURIComponent(since)}&limit=100000`;
    const entries = (await s.as(s.operatorKey, "GET", query)).body.entries.reverse();
    for (const [role, mine] of sent) {
      const principal = role === "anonymous" ? "anonymous" : `b-${role}`;
      const logged = entries.filter((e: { principal: string }) => e.principal === principal);
      assert.equal(logged.length, mine.length, `${role}: one entry per attempt`);
      mine.forEach((attempt, i) => {
        assert.equal(logged[i].result, "denied", attempt.what);
        assert.equal(logged[i].status, attempt.status, attempt.what);
      });
    }
  });
});

Deno.test("tenancy fuzz: the views every tenant has (collections, tenants, tier counts, audit) show tenant B nothing of A", async () => {
  await withTenancyServer(["--tiering"], async (s) => {
    const a = await s.tenant("a", ["developer"]);
    const b = await s.tenant("b", ROLES);
    const coll = (await s.as(a.keys.developer, "POST", "/api/v1/collections", {
      name: "target",
      dimension: DIM,
      metric: "l2",
    })).body.collection_id;
    // Something of A's in the audit log, and B's failed attempts on A.
    await s.as(b.keys.developer, "GET", `/api/v1/collections/${coll}`);
    const views = [
      "/api/v1/collections",
      "/admin/tenants",
      "/api/v1/metrics/tiers",
      "/api/v1/audit",
    ];
    for (const role of ROLES) {
      for (const path of views) {
        const res = await s.as(b.keys[role], "GET", path);
        if (res.status !== 200) continue;
        const text = JSON.stringify(res.body);
        assert.ok(!text.includes(a.id), `${role} ${path} shows A's tenant id`);
        if (path === "/api/v1/metrics/tiers") assert.equal(res.body.total_collections, 0);
        if (path !== "/api/v1/audit") assert.ok(!text.includes(coll), `${role} ${path}: ${text}`);
      }
    }
  });
});
