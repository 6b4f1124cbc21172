import type { Hono } from "hono";
import { z } from "zod";
import { readJsonBody, SMALL_BODY_BYTES } from "../json_body.ts";
import { seesEveryTenant, type ServerEnv, tenantOf } from "../server_env.ts";
import type { Store } from "../store.ts";
import { collectionIdParam } from "../routes/collection_routes.ts";
import { TIER_ACTIONS, type TierManager } from "./tier_manager.ts";
import { policyJson, TierPolicyUpdateSchema, updatedPolicy } from "./tier_policy.ts";

const TierActionBody = z.strictObject({ action: z.enum(TIER_ACTIONS) });

/**
 * GET/POST /api/v1/collections/:id/tier (the tenant's own collections only),
 * GET /api/v1/metrics/tiers (a tenant's principals count their own collections), GET/PUT
 * /api/v1/tiering/policy.
 */
export function tierRoutes(app: Hono<ServerEnv>, store: Store, tiers: TierManager): void {
  app.get("/api/v1/collections/:id/tier", (c) => {
    const collection = store.get(collectionIdParam(c), tenantOf(c));
    return c.json(tiers.status(collection.meta.id));
  });
  app.post("/api/v1/collections/:id/tier", async (c) => {
    const collection = store.get(collectionIdParam(c), tenantOf(c));
    const { action } = await readJsonBody(c, TierActionBody, SMALL_BODY_BYTES);
    return c.json(await tiers.act(collection.meta.id, action));
  });
  app.get("/api/v1/metrics/tiers", (c) => {
    if (seesEveryTenant(c)) return c.json(tiers.counts());
    const own = new Set(store.list(tenantOf(c)).map((x) => x.meta.id));
    return c.json(tiers.counts((id) => own.has(id)));
  });
  app.get("/api/v1/tiering/policy", (c) => c.json(policyJson(tiers.policy)));
  app.put("/api/v1/tiering/policy", async (c) => {
    const update = await readJsonBody(c, TierPolicyUpdateSchema, SMALL_BODY_BYTES);
    tiers.setPolicy(updatedPolicy(tiers.policy, update));
    return c.json(policyJson(tiers.policy));
  });
}
