import assert from "node:assert/strict";
import { requestAction } from "../src/server/tenancy/request_action.ts";
import { type Role, roleAllows, ROLES } from "../src/server/tenancy/role.ts";

const ID = "0190b2d4-0000-7000-8000-000000000001";
const DATA = ["admin", "developer", "operator"] as Role[];
const READERS = ["admin", "developer", "viewer", "operator"] as Role[];
const SERVER_READ = ["operator", "metrics_reader"] as Role[];

const CASES: [string, string, string, Role[]][] = [
  ["POST", "/api/v1/collections", "collection.create", DATA],
  ["GET", "/api/v1/collections", "collection.read", READERS],
  ["GET", `/api/v1/collections/${ID}`, "collection.read", READERS],
  ["DELETE", `/api/v1/collections/${ID}`, "collection.delete", DATA],
  ["POST", `/api/v1/collections/${ID}/insert`, "document.insert", DATA],
  ["POST", `/api/v1/collections/${ID}/insert_batch`, "document.insert", DATA],
  ["POST", `/api/v1/collections/${ID}/query`, "document.query", READERS],
  ["GET", `/api/v1/collections/${ID}/docs/d1`, "document.read", READERS],
  ["DELETE", `/api/v1/collections/${ID}/docs/d1`, "document.delete", DATA],
  ["GET", `/api/v1/collections/${ID}/tier`, "tier.read", [...READERS, "metrics_reader"]],
  ["POST", `/api/v1/collections/${ID}/tier`, "tier.manage", DATA],
  ["GET", "/api/v1/metrics/tiers", "tier.read", [...READERS, "metrics_reader"]],
  ["GET", "/api/v1/tiering/policy", "server.read", SERVER_READ],
  ["PUT", "/api/v1/tiering/policy", "server.manage", ["operator"]],
  ["GET", "/metrics", "server.read", SERVER_READ],
  ["GET", "/admin/health", "server.read", SERVER_READ],
  ["GET", "/api/v1/audit", "audit.read", ["admin", "auditor", "operator"]],
  ["POST", "/admin/tenants", "tenant.create", ["operator"]],
  ["GET", "/admin/tenants", "tenant.read", ["admin", "operator"]],
  ["POST", "/admin/tenants/t1/keys", "key.manage", ["admin", "operator"]],
  ["DELETE", "/admin/tenants/t1/api-keys/k1", "key.manage", ["admin", "operator"]],
  ["POST", "/admin/faults", "server.manage", ["operator"]],
  ["GET", "/admin/dlq", "server.read", SERVER_READ],
  ["POST", `/admin/collections/${ID}/dlq/retry`, "dlq.retry", ["admin", "operator"]],
  ["POST", "/admin/circuit-breaker/reset", "server.manage", ["operator"]],
];

Deno.test("rbac: every route maps to an action that exactly the right roles may do", () => {
  for (const [method, path, action, allowed] of CASES) {
    const what = requestAction(method, path);
    assert.equal(what?.action, action, `${method} ${path}`);
    for (const role of ROLES) {
      assert.equal(roleAllows(role, what!.action), allowed.includes(role), `${role} ${action}`);
    }
  }
});

Deno.test("rbac: routes under a tenant name it; only liveness and capabilities are anonymous", () => {
  assert.equal(requestAction("POST", "/admin/tenants/t1/keys")?.tenant, "t1");
  assert.equal(requestAction("GET", "/admin/tenants/t1")?.tenant, "t1");
  assert.equal(requestAction("GET", `/api/v1/collections/${ID}`)?.tenant, undefined);
  for (const path of ["/health", "/ready", "/api/v1/capabilities"]) {
    assert.equal(requestAction("GET", path), null);
  }
  assert.equal(
    requestAction("GET", `/api/v1/collections/${ID}/docs/d9`)?.resource,
    `collection/${ID}/doc/d9`,
  );
});
