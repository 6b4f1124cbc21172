import type { PlanCollection } from "../load/request_plan.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { TargetError } from "../targets/target.ts";
import type { Deployment } from "./setup.ts";

/** Results of the post-run tenancy probes, as RunResult.checks entries. */
export interface IsolationChecks {
  cross_tenant_leaks: number;
  denied_writes_accepted: number;
  audit_coverage?: number;
}

/**
 * Probes tenant isolation and RBAC after the load: each tenant's key reads and searches the next
 * tenant's first collection (anything but a 4xx is a leak), and a viewer key of the first
 * tenant inserts into its own collection (anything but a 4xx is an accepted denied write). With
 * the audit capability, the audit log must then hold an entry for each refused probe:
 * audit_coverage = refusals logged / probes made (capped at 1).
 */
export async function probeIsolation(
  target: ScenarioTarget,
  collections: PlanCollection[],
  d: Deployment,
  tenantIds: Map<string, string>,
  dim: number,
  withAudit: boolean,
): Promise<IsolationChecks> {
  const tenants = [...tenantIds.keys()];
  const since = new Date().toISOString();
  const firstCollection = (t: string) => collections.findIndex((c) => c.tenant === t);
  let leaks = 0, accepted = 0, probes = 0;
  const denied = async (call: () => Promise<unknown>): Promise<boolean> => {
    probes++;
    try {
      const out = await call();
      return out === null; // getCollection answers 404 as null
    } catch (err) {
      if (err instanceof TargetError && err.errorClass === "http_4xx") return true;
      throw err;
    }
  };
  for (const [i, t] of tenants.entries()) {
    const other = firstCollection(tenants[(i + 1) % tenants.length]);
    if (tenants.length < 2 || other === -1) break;
    const ctx = { apiKey: d.apiKeys.get(t) };
    const id = d.collectionIds[other];
    if (!(await denied(() => target.getCollection(id, ctx)))) leaks++;
    if (!(await denied(() => target.search(id, new Float32Array(dim).fill(1), 1, ctx)))) leaks++;
  }
  if (tenants.length > 0) {
    const viewer = await target.createApiKey!(tenantIds.get(tenants[0])!, "viewer");
    const own = firstCollection(tenants[0]);
    const doc = { id: crypto.randomUUID(), vector: new Float32Array(dim).fill(1) };
    if (!(await denied(() => target.insert(d.collectionIds[own], doc, { apiKey: viewer })))) {
      accepted++;
    }
  }
  const checks: IsolationChecks = { cross_tenant_leaks: leaks, denied_writes_accepted: accepted };
  if (withAudit && probes > 0) {
    const entries = await target.auditEntries!(since);
    // A refused probe is logged as denied (401/403) or as the 404 that hides another
    // tenant's collection.
    const denials = entries.filter((e) =>
      /den|forbid|reject|unauth/i.test(e.result) ||
      (e.status !== null && e.status >= 400 && e.status < 500)
    );
    checks.audit_coverage = Math.min(1, denials.length / probes);
  }
  return checks;
}
