import type { Context, MiddlewareHandler } from "hono";
import type { ServerEnv } from "../server_env.ts";
import type { AuditLog } from "./audit_log.ts";
import { requestAction } from "./request_action.ts";
import { isServerRole, roleAllows } from "./role.ts";
import type { Principal, TenancyStore } from "./tenancy_store.ts";

/** The API key of a request: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function apiKeyOf(c: Context): string | null {
  const auth = c.req.header("authorization");
  if (auth !== undefined && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  return c.req.header("x-api-key")?.trim() ?? null;
}

/** Statuses that refuse a request: the audit log records them as denied, whoever answered. */
const REFUSALS = new Set([401, 403, 404]);

/**
 * Authenticates every non-public request (401: no key, an unknown, revoked or expired key),
 * enforces the role (403) and the tenant a route names (404 for another tenant's, as for its
 * collections), puts the principal on the context for the routes, and appends every request
 * to the audit log: denied when it was refused (401, 403 or 404, by this middleware or by the
 * route), else allowed, with its status.
 */
export function authMiddleware(store: TenancyStore, audit: AuditLog): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const what = requestAction(c.req.method, c.req.path);
    if (what === null) return await next();
    const key = apiKeyOf(c);
    const found = key === null ? null : store.lookup(key);
    const principal: Principal | null = found?.principal ?? null;
    const record = (status: number) =>
      audit.append({
        tenant_id: principal?.tenantId ?? null,
        principal: principal?.name ?? "anonymous",
        role: principal?.role ?? null,
        action: what.action,
        resource: what.resource,
        result: REFUSALS.has(status) ? "denied" : "allowed",
        status,
      });
    if (found === null || found.state !== "active") {
      record(401);
      const why = found === null ? "missing or unknown API key" : `API key ${found.state}`;
      return c.json({ error: why }, 401);
    }
    const { role, tenantId } = found.principal;
    if (!roleAllows(role, what.action)) {
      record(403);
      return c.json({ error: `role ${role} may not ${what.action}` }, 403);
    }
    const serverScope = isServerRole(role);
    if (what.tenant !== undefined && what.tenant !== tenantId && !serverScope) {
      record(404);
      return c.json({ error: `tenant ${what.tenant} not found` }, 404);
    }
    store.touch(found.principal.keyId);
    c.set("tenantId", tenantId);
    c.set("principal", found.principal.name);
    c.set("role", role);
    c.set("serverScope", serverScope);
    try {
      await next();
    } finally {
      record(c.res.status);
    }
  };
}
