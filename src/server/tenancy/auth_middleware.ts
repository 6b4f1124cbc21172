import type { Context, MiddlewareHandler } from "hono";
import type { ServerEnv } from "../server_env.ts";
import type { AuditLog } from "./audit_log.ts";
import { requestAction } from "./request_action.ts";
import { roleAllows } from "./role.ts";
import type { Principal, TenancyStore } from "./tenancy_store.ts";

/** The API key of a request: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function apiKeyOf(c: Context): string | null {
  const auth = c.req.header("authorization");
  if (auth !== undefined && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  return c.req.header("x-api-key")?.trim() ?? null;
}

/** The principal of a request's key, or null. */
export function principalOf(c: Context, store: TenancyStore): Principal | null {
  const key = apiKeyOf(c);
  return key === null ? null : store.resolve(key);
}

/**
 * Authenticates every non-public request (401 unknown key), enforces the role (403), puts the
 * tenant and principal on the context for the routes, and appends every allowed or denied
 * request to the audit log.
 */
export function authMiddleware(store: TenancyStore, audit: AuditLog): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const what = requestAction(c.req.method, c.req.path);
    if (what === null) return await next();
    const principal = principalOf(c, store);
    const record = (result: "allowed" | "denied", status: number) =>
      audit.append({
        tenant_id: principal?.tenantId ?? null,
        principal: principal?.name ?? "anonymous",
        role: principal?.role ?? null,
        action: what.action,
        resource: what.resource,
        result,
        status,
      });
    if (principal === null) {
      record("denied", 401);
      return c.json({ error: "missing or unknown API key" }, 401);
    }
    if (!roleAllows(principal.role, what.action)) {
      record("denied", 403);
      return c.json({ error: `role ${principal.role} may not ${what.action}` }, 403);
    }
    c.set("tenantId", principal.tenantId);
    c.set("principal", principal.name);
    try {
      await next();
    } finally {
      record("allowed", c.res.status);
    }
  };
}
