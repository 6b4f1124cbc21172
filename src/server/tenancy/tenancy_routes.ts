import { Hono } from "hono";
import { z } from "zod";
import { HttpError } from "../http_error.ts";
import { parsedOrThrow, readJsonBody, SMALL_BODY_BYTES } from "../json_body.ts";
import type { ServerEnv } from "../server_env.ts";
import type { AuditLog } from "./audit_log.ts";
import { principalOf } from "./auth_middleware.ts";
import { ROLES } from "./role.ts";
import type { TenancyStore } from "./tenancy_store.ts";

const TenantBody = z.strictObject({ name: z.string().min(1).max(256) });
const KeyBody = z.strictObject({
  role: z.enum(ROLES),
  name: z.string().min(1).max(256).optional(),
});
const AuditQuery = z.strictObject({
  tenant: z.string().optional(),
  action: z.string().optional(),
  result: z.enum(["allowed", "denied"]).optional(),
  since: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(100),
});

/**
 * POST/GET /admin/tenants, POST /admin/tenants/:id/keys {role, name?} (admins; the auth middleware checks
 * roles) and GET /api/v1/audit (auditors see their own tenant, admins every tenant).
 */
export function tenancyRoutes(store: TenancyStore, audit: AuditLog): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.post("/admin/tenants", async (c) => {
    const { name } = await readJsonBody(c, TenantBody, SMALL_BODY_BYTES);
    return c.json(store.createTenant(name), 201);
  });
  app.get("/admin/tenants", (c) => c.json({ tenants: store.listTenants() }));
  // "/keys" per the reference server's docs; "/api-keys" as AkiDB's RBAC design names it.
  for (const path of ["/admin/tenants/:id/keys", "/admin/tenants/:id/api-keys"]) {
    app.post(path, async (c) => {
      const body = await readJsonBody(c, KeyBody, SMALL_BODY_BYTES);
      const name = body.name ?? body.role;
      const tenantId = c.req.param("id")!;
      const { apiKey, keyId } = store.createKey(tenantId, body.role, name);
      return c.json(
        { api_key: apiKey, key_id: keyId, role: body.role, name, tenant_id: tenantId },
        201,
      );
    });
  }
  app.get("/api/v1/audit", (c) => {
    const filter = parsedOrThrow(AuditQuery, c.req.query(), "query");
    const principal = principalOf(c, store);
    if (principal?.role !== "admin") {
      if (filter.tenant !== undefined && filter.tenant !== principal?.tenantId) {
        throw new HttpError(403, "auditors read their own tenant's audit log only");
      }
      filter.tenant = principal?.tenantId;
    }
    const entries = audit.query(filter);
    return c.json({ entries, count: entries.length });
  });
  return app;
}
