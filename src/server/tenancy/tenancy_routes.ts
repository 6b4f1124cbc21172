import { Hono } from "hono";
import { z } from "zod";
import { HttpError } from "../http_error.ts";
import { parsedOrThrow, readJsonBody, SMALL_BODY_BYTES } from "../json_body.ts";
import { seesEveryTenant, type ServerEnv, tenantOf } from "../server_env.ts";
import type { AuditLog } from "./audit_log.ts";
import { isServerRole, type Role, ROLES } from "./role.ts";
import { DEFAULT_TENANT, type TenancyStore } from "./tenancy_store.ts";

/** Longest lifetime a key may be given: ten years. */
const MAX_KEY_LIFETIME_S = 10 * 365 * 86_400;

const TenantBody = z.strictObject({ name: z.string().min(1).max(256) });
const KeyBody = z.strictObject({
  role: z.enum(ROLES),
  name: z.string().min(1).max(256).optional(),
  /** When the key stops working (ISO time, in the future)… */
  expires_at: z.iso.datetime({ offset: true }).optional(),
  /** …or how many seconds from now. */
  expires_in_s: z.number().positive().max(MAX_KEY_LIFETIME_S).optional(),
});
const AuditQuery = z.strictObject({
  tenant: z.string().optional(),
  action: z.string().optional(),
  result: z.enum(["allowed", "denied"]).optional(),
  since: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(100),
});

/**
 * Tenants, their keys and the audit log. The auth middleware has checked the role and that a
 * tenant's routes are used by its own principals or the server's; the rules here are the ones
 * that depend on the body or on what the route finds:
 * - POST /admin/tenants (operator); GET /admin/tenants (a tenant admin sees its own tenant);
 * - POST /admin/tenants/:id/keys {role, name?, expires_at? | expires_in_s?}, GET …/keys and
 *   DELETE …/keys/:key_id (revoke), also under "/api-keys" as AkiDB's RBAC design names it.
 *   Server roles (operator, metrics_reader) are made and revoked by the operator only, in the
 *   default tenant;
 * - GET /api/v1/audit: the operator reads every tenant's entries, others their own tenant's.
 */
export function tenancyRoutes(store: TenancyStore, audit: AuditLog): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const operatorOnly = (c: { get(key: "role"): string | undefined }, what: string) => {
    if (c.get("role") !== "operator") throw new HttpError(403, `only the operator may ${what}`);
  };
  app.post("/admin/tenants", async (c) => {
    const { name } = await readJsonBody(c, TenantBody, SMALL_BODY_BYTES);
    return c.json(store.createTenant(name), 201);
  });
  app.get("/admin/tenants", (c) => {
    const only = seesEveryTenant(c) ? undefined : tenantOf(c);
    return c.json({ tenants: store.listTenants(only) });
  });
  for (const keys of ["/admin/tenants/:id/keys", "/admin/tenants/:id/api-keys"]) {
    app.post(keys, async (c) => {
      const body = await readJsonBody(c, KeyBody, SMALL_BODY_BYTES);
      const tenantId = c.req.param("id")!;
      if (isServerRole(body.role)) {
        operatorOnly(c, `make ${body.role} keys`);
        if (tenantId !== DEFAULT_TENANT) {
          throw new HttpError(400, `${body.role} keys belong to the '${DEFAULT_TENANT}' tenant`);
        }
      }
      const name = body.name ?? body.role;
      const expiresAt = expiryOf(body);
      const { apiKey, keyId } = store.createKey(tenantId, body.role, name, expiresAt);
      return c.json({
        api_key: apiKey,
        key_id: keyId,
        role: body.role,
        name,
        tenant_id: tenantId,
        expires_at: expiresAt,
      }, 201);
    });
    app.get(keys, (c) => c.json({ keys: store.listKeys(c.req.param("id")!) }));
    app.delete(`${keys}/:key_id`, (c) => {
      const tenantId = c.req.param("id")!;
      const key = store.key(tenantId, c.req.param("key_id")!);
      if (isServerRole(key.role as Role)) operatorOnly(c, `revoke ${key.role} keys`);
      return c.json(store.revokeKey(tenantId, key.key_id));
    });
  }
  app.get("/api/v1/audit", (c) => {
    const filter = parsedOrThrow(AuditQuery, c.req.query(), "query");
    const everyTenant = c.get("role") === "operator";
    if (!everyTenant) {
      if (filter.tenant !== undefined && filter.tenant !== tenantOf(c)) {
        throw new HttpError(403, "a tenant's principals read their own tenant's audit log only");
      }
      filter.tenant = tenantOf(c);
    }
    const entries = audit.query(filter);
    const dropped = audit.dropped(everyTenant ? undefined : tenantOf(c));
    return c.json({ entries, count: entries.length, dropped });
  });
  return app;
}

/** The ISO expiry a key body asks for (null: never); 400 for a time already past. */
function expiryOf(body: { expires_at?: string; expires_in_s?: number }): string | null {
  if (body.expires_at !== undefined && body.expires_in_s !== undefined) {
    throw new HttpError(400, "give expires_at or expires_in_s, not both");
  }
  const at = body.expires_at !== undefined
    ? Date.parse(body.expires_at)
    : body.expires_in_s !== undefined
    ? Date.now() + body.expires_in_s * 1000
    : null;
  if (at === null) return null;
  if (at <= Date.now()) {
    throw new HttpError(400, `expires_at ${body.expires_at} is not in the future`);
  }
  return new Date(at).toISOString();
}
