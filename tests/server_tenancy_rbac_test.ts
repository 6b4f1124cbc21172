import assert from "node:assert/strict";
import { requestAction } from "../src/server/tenancy/request_action.ts";
import { type Role, roleAllows } from "../src/server/tenancy/role.ts";

const ID = "0190b2d4-0000-7000-8000-000000000001";

const CASES: [string, string, string, Role[]][] = [
  ["POST", "/api/v1/collections", "collection.create", ["admin", "developer"]],
  ["GET", "/api/v1/collections", "collection.read", ["admin", "developer", "viewer"]],
  ["GET", `/api/v1/collections/${ID}`, "collection.read", ["admin", "developer", "viewer"]],
  ["DELETE", `/api/v1/collections/${ID}`, "collection.delete", ["admin", "developer"]],
  ["POST", `/api/v1/collections/${ID}/insert`, "document.insert", ["admin", "developer"]],
  ["POST", `/api/v1/collections/${ID}/insert_batch`, "document.insert", ["admin", "developer"]],
  ["POST", `/api/v1/collections/${ID}/query`, "document.query", ["admin", "developer", "viewer"]],
  ["GET", `/api/v1/collections/${ID}/docs/d1`, "document.read", ["admin", "developer", "viewer"]],
  ["DELETE", `/api/v1/collections/${ID}/docs/d1`, "document.delete", ["admin", "developer"]],
  ["GET", `/api/v1/collections/${ID}/tier`, "tier.read", ["admin", "developer", "viewer"]],
  ["POST", `/api/v1/collections/${ID}/tier`, "tier.manage", ["admin", "developer"]],
  ["PUT", "/api/v1/tiering/policy", "tier.manage", ["admin", "developer"]],
  ["GET", "/api/v1/audit", "audit.read", ["admin", "auditor"]],
  ["POST", "/admin/tenants", "tenant.manage", ["admin"]],
  ["POST", "/admin/tenants/t1/keys", "tenant.manage", ["admin"]],
  ["POST", "/admin/faults", "system.manage", ["admin"]],
  ["POST", `/admin/collections/${ID}/dlq/retry`, "system.manage", ["admin"]],
  ["POST", "/admin/circuit-breaker/reset", "system.manage", ["admin"]],
];

Deno.test("rbac: every route maps to an action that exactly the right roles may do", () => {
  for (const [method, path, action, allowed] of CASES) {
    const what = requestAction(method, path);
    assert.equal(what?.action, action, `${method} ${path}`);
    for (const role of ["admin", "developer", "viewer", "auditor"] as Role[]) {
      assert.equal(roleAllows(role, what!.action), allowed.includes(role), `${role} ${action}`);
    }
  }
});

Deno.test("rbac: health, readiness, metrics and capabilities are public", () => {
  for (const path of ["/health", "/ready", "/metrics", "/api/v1/capabilities", "/admin/health"]) {
    assert.equal(requestAction("GET", path), null);
  }
  assert.equal(
    requestAction("GET", `/api/v1/collections/${ID}/docs/d9`)?.resource,
    `collection/${ID}/doc/d9`,
  );
});
