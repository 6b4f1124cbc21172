import { AkidbTarget } from "../src/targets/akidb.ts";
import { type IsolationReport, probeIsolation } from "../src/run/isolation.ts";
import { emptyDeployment } from "../src/run/setup.ts";

const DIM = 16;

/**
 * Runs the post-run tenancy probes against a server the way a multi-tenant run does: two tenants
 * (developer keys, made with the operator key) with one collection and one document each.
 */
export async function runTenancyProbes(
  url: string,
  operatorKey: string,
  features = { audit: true, tiering: false, faults: false },
): Promise<IsolationReport> {
  const target = new AkidbTarget(url, operatorKey);
  try {
    const d = emptyDeployment();
    const collections = [{ tenant: "a", start: 0, end: 1 }, { tenant: "b", start: 1, end: 2 }];
    const tag = crypto.randomUUID().slice(0, 8);
    for (const c of collections) {
      const tenantId = await target.createTenant(`${c.tenant}-${tag}`);
      d.tenantIds.set(c.tenant, tenantId);
      d.apiKeys.set(c.tenant, await target.createApiKey(tenantId, "developer"));
      const ctx = { apiKey: d.apiKeys.get(c.tenant) };
      const id = await target.createCollection(
        { name: "probed", dimension: DIM, metric: "l2" },
        ctx,
      );
      d.collectionIds.push(id);
      d.collectionKeys.push(ctx.apiKey);
      await target.insert(id, { id: crypto.randomUUID(), vector: new Float32Array(DIM) }, ctx);
    }
    return await probeIsolation(target, collections, d, d.tenantIds, DIM, features);
  } finally {
    await target.close();
  }
}
