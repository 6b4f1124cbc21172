import type { Action } from "./role.ts";

/** What a request does and to which resource. */
export interface RequestAction {
  action: Action;
  /** e.g. "collection/<id>", "collection/<id>/doc/<doc_id>", "tenant/<id>", "audit". */
  resource: string;
}

const PUBLIC = new Set(["/health", "/ready", "/metrics", "/api/v1/capabilities", "/admin/health"]);

const COLLECTION = /^\/api\/v1\/collections\/([^/]+)(?:\/(.*))?$/;

/** The action of `method path`, or null for public routes (health, metrics, capabilities). */
export function requestAction(method: string, path: string): RequestAction | null {
  if (PUBLIC.has(path)) return null;
  const read = method === "GET" || method === "HEAD";
  if (path === "/api/v1/collections") {
    return { action: read ? "collection.read" : "collection.create", resource: "collections" };
  }
  const m = COLLECTION.exec(path);
  if (m !== null) {
    const [, id, rest] = m;
    const resource = `collection/${id}`;
    if (rest === undefined || rest === "") {
      return { action: read ? "collection.read" : "collection.delete", resource };
    }
    if (rest === "insert" || rest === "insert_batch") {
      return { action: "document.insert", resource };
    }
    if (rest === "query") return { action: "document.query", resource };
    if (rest === "tier") return { action: read ? "tier.read" : "tier.manage", resource };
    if (rest.startsWith("docs/")) {
      const docResource = `${resource}/doc/${rest.slice(5)}`;
      return { action: read ? "document.read" : "document.delete", resource: docResource };
    }
    return { action: "system.manage", resource };
  }
  if (path === "/api/v1/metrics/tiers") return { action: "tier.read", resource: "tiers" };
  if (path === "/api/v1/tiering/policy") {
    return { action: read ? "tier.read" : "tier.manage", resource: "tiering/policy" };
  }
  if (path === "/api/v1/audit") return { action: "audit.read", resource: "audit" };
  if (path === "/admin/tenants" || path.startsWith("/admin/tenants/")) {
    return { action: "tenant.manage", resource: path.slice("/admin/".length) };
  }
  // Faults, DLQ, circuit breaker and anything not known above: administrators only.
  return { action: "system.manage", resource: path };
}
