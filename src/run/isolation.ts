import type { PlanCollection } from "../plan/request_plan.ts";
import type { AuditEntry, ScenarioTarget } from "../targets/scenario_target.ts";
import { TargetError } from "../targets/target.ts";
import {
  MAX_AUDITED_RESOURCE_CHARS,
  probeHostileTenant,
  type Refusal,
  sendAnonymousNoise,
} from "./hostile_tenant_probes.ts";
import type { Deployment } from "./setup.ts";

/** Results of the post-run tenancy probes, as RunResult.checks entries. */
export interface IsolationChecks {
  cross_tenant_leaks: number;
  denied_writes_accepted: number;
  audit_coverage?: number;
}

/** The checks and, for the run's status reason, what leaked or went unaudited. */
export interface IsolationReport {
  checks: IsolationChecks;
  findings: string[];
}

/**
 * Probes tenant isolation and RBAC after the load: each tenant's key reads and searches the next
 * tenant's first collection (anything but a 4xx is a leak), and a viewer key of the first
 * tenant inserts into its own collection (anything but a 4xx is an accepted denied write). With
 * two tenants or more and a target that takes raw probe requests, tenant B then acts as a hostile
 * tenant against A and the server (hostile_tenant_probes.ts); each 2xx it should not have got
 * counts as a cross-tenant leak. With the audit capability, anonymous noise follows (long paths),
 * and the audit log must then hold, for each refused probe, a denied entry with its status
 * (401, 403 or 404) naming its resource; the noise counts as one more probe, covered when no
 * entry stores more than MAX_AUDITED_RESOURCE_CHARS of a path. audit_coverage = covered / probes.
 */
export async function probeIsolation(
  target: ScenarioTarget,
  collections: PlanCollection[],
  d: Deployment,
  tenantIds: Map<string, string>,
  dim: number,
  features: { audit: boolean; tiering: boolean; faults: boolean },
): Promise<IsolationReport> {
  const tenants = [...tenantIds.keys()];
  const since = new Date().toISOString();
  const firstCollection = (t: string) => collections.findIndex((c) => c.tenant === t);
  const findings: string[] = [];
  const refusals: Refusal[] = [];
  let leaks = 0, accepted = 0;
  const denied = async (what: string, hint: string, call: () => Promise<unknown>) => {
    try {
      const out = await call();
      if (out !== null) return false;
      refusals.push({ what, status: 404, hint }); // getCollection answers 404 as null
      return true;
    } catch (err) {
      if (!(err instanceof TargetError) || err.errorClass !== "http_4xx") throw err;
      refusals.push({ what, status: err.status ?? 400, hint });
      return true;
    }
  };
  for (const [i, t] of tenants.entries()) {
    const other = firstCollection(tenants[(i + 1) % tenants.length]);
    if (tenants.length < 2 || other === -1) break;
    const ctx = { apiKey: d.apiKeys.get(t) };
    const id = d.collectionIds[other];
    if (!(await denied(`${t} reads ${id}`, id, () => target.getCollection(id, ctx)))) {
      leaks++;
      findings.push(`tenant ${t} read another tenant's collection ${id}`);
    }
    const query = new Float32Array(dim).fill(1);
    if (!(await denied(`${t} searches ${id}`, id, () => target.search(id, query, 1, ctx)))) {
      leaks++;
      findings.push(`tenant ${t} searched another tenant's collection ${id}`);
    }
  }
  if (tenants.length > 0) {
    const viewer = await target.createApiKey!(tenantIds.get(tenants[0])!, "viewer");
    const id = d.collectionIds[firstCollection(tenants[0])];
    const doc = { id: crypto.randomUUID(), vector: new Float32Array(dim).fill(1) };
    if (!(await denied("viewer inserts", id, () => target.insert(id, doc, { apiKey: viewer })))) {
      accepted++;
      findings.push(`a viewer key inserted into ${id}`);
    }
  }
  if (tenants.length >= 2 && target.probeRequest) {
    const tenant = (name: string) => ({
      id: tenantIds.get(name)!,
      collectionIds: d.collectionIds.filter((_, i) => collections[i].tenant === name),
    });
    const send = target.probeRequest.bind(target);
    const hostile = await probeHostileTenant(
      send,
      tenant(tenants[0]),
      tenant(tenants[1]),
      features,
    );
    leaks += hostile.leaks.length;
    findings.push(...hostile.leaks);
    refusals.push(...hostile.refusals);
  }
  const checks: IsolationChecks = { cross_tenant_leaks: leaks, denied_writes_accepted: accepted };
  if (features.audit && refusals.length > 0) {
    const noise = target.probeRequest !== undefined;
    if (noise) await sendAnonymousNoise(target.probeRequest!.bind(target));
    const entries = await target.auditEntries!(since);
    const missing = unaudited(refusals, entries);
    findings.push(...missing.map((r) => `not audited as denied ${r.status}: ${r.what}`));
    const stored = noise && entries.some((e) => e.resource.length > MAX_AUDITED_RESOURCE_CHARS);
    if (stored) findings.push("the audit log stores anonymous requests' long paths whole");
    const probes = refusals.length + (noise ? 1 : 0);
    checks.audit_coverage = (probes - missing.length - (stored ? 1 : 0)) / probes;
  }
  return { checks, findings };
}

/** The refusals without their own denied entry (same status, resource naming the hint). */
function unaudited(refusals: Refusal[], entries: AuditEntry[]): Refusal[] {
  const unused = entries.filter((e) => /den|forbid|reject|unauth/i.test(e.result));
  return refusals.filter((r) => {
    const i = unused.findIndex((e) => e.status === r.status && e.resource.includes(r.hint));
    if (i === -1) return true;
    unused.splice(i, 1);
    return false;
  });
}
