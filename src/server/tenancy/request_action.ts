import type { Action } from "./role.ts";

/** What a request does and to which resource. */
export interface RequestAction {
  action: Action;
  /** e.g. "collection/<id>", "collection/<id>/doc/<doc_id>", "tenants/<id>/keys", "metrics". */
  resource: string;
  /** The tenant a route names in its path (/admin/tenants/:id/…): only its admins may act. */
  tenant?: string;
}

/**
 * Anonymous routes, and why: /health and /ready are liveness and readiness for load balancers
 * and orchestrators (a status word, no counts); /api/v1/capabilities says which extensions
 * exist, which a client needs before it has a key. Nothing in them names a tenant or counts
 * anything. /metrics and /admin/health are not here: they count every tenant's data.
 */
const PUBLIC = new Set(["/health", "/ready", "/api/v1/capabilities"]);

const COLLECTION = /^\/api\/v1\/collections\/([^/]+)(?:\/(.*))?$/;
const TENANT = /^\/admin\/tenants\/([^/]+)(?:\/(.*))?$/;
const DLQ_RETRY = /^\/admin\/collections\/([^/]+)\/dlq\/retry$/;

/** The action of `method path`, or null for the anonymous routes (see PUBLIC). */
export function requestAction(method: string, path: string): RequestAction | null {
  if (PUBLIC.has(path)) return null;
  const read = method === "GET" || method === "HEAD";
  if (path === "/api/v1/collections") {
    return { action: read ? "collection.read" : "collection.create", resource: "collections" };
  }
  const m = COLLECTION.exec(path);
  if (m !== null) return collectionAction(read, m[1], m[2]);
  if (path === "/metrics") return { action: "server.read", resource: "metrics" };
  if (path === "/admin/health") return { action: "server.read", resource: "admin/health" };
  // Tenant principals get their own tenant's counts (tier_routes.ts).
  if (path === "/api/v1/metrics/tiers") return { action: "tier.read", resource: "tiers" };
  if (path === "/api/v1/tiering/policy") {
    return { action: read ? "server.read" : "server.manage", resource: "tiering/policy" };
  }
  if (path === "/api/v1/audit") return { action: "audit.read", resource: "audit" };
  if (path === "/admin/tenants") {
    return { action: read ? "tenant.read" : "tenant.create", resource: "tenants" };
  }
  const t = TENANT.exec(path);
  if (t !== null) {
    const [, tenant, rest] = t;
    const keys = rest !== undefined && /^(api-)?keys(\/|$)/.test(rest);
    const resource = `tenants/${tenant}${rest ? `/${rest}` : ""}`;
    return { action: keys ? "key.manage" : "tenant.read", resource, tenant };
  }
  const dlq = DLQ_RETRY.exec(path);
  if (dlq !== null) return { action: "dlq.retry", resource: `collection/${dlq[1]}` };
  // Faults, the DLQ listing, the circuit breaker and any route not named above are server-wide.
  const resource = path.replace(/^\//, "");
  return { action: read ? "server.read" : "server.manage", resource };
}

function collectionAction(read: boolean, id: string, rest: string | undefined): RequestAction {
  const resource = `collection/${id}`;
  if (rest === undefined || rest === "") {
    return { action: read ? "collection.read" : "collection.delete", resource };
  }
  if (rest === "insert" || rest === "insert_batch") return { action: "document.insert", resource };
  if (rest === "query") return { action: "document.query", resource };
  if (rest === "tier") return { action: read ? "tier.read" : "tier.manage", resource };
  if (rest.startsWith("docs/")) {
    const docResource = `${resource}/doc/${rest.slice(5)}`;
    return { action: read ? "document.read" : "document.delete", resource: docResource };
  }
  return { action: read ? "server.read" : "server.manage", resource: `${resource}/${rest}` };
}
