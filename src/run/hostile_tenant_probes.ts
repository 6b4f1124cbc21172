import { setTimeout as sleep } from "node:timers/promises";
import type { ScenarioTarget } from "../targets/scenario_target.ts";

/** A request the target refused; the audit log must hold it as denied with `status`. */
export interface Refusal {
  what: string;
  status: number;
  /** Text the audit entry's resource must contain (an id, or the route's last word). */
  hint: string;
}

/** What the probes saw: every leak described, every refusal to look up in the audit log. */
export interface ProbeFindings {
  leaks: string[];
  refusals: Refusal[];
}

/** One tenant as the probes use it. */
export interface ProbeTenant {
  id: string;
  collectionIds: string[];
}

/** Anonymous requests with long paths sent to see whether the audit log stores them whole. */
export const NOISE_REQUESTS = 100;
export const NOISE_PATH_CHARS = 8000;
/** An audit resource longer than this means the log stores what anonymous clients send. */
export const MAX_AUDITED_RESOURCE_CHARS = 1024;

type Send = NonNullable<ScenarioTarget["probeRequest"]>;

/**
 * A hostile tenant B against tenant A and the server (points 1-4 of akibench issue 20): server-wide
 * metrics and health to anonymous and tenant keys, a tenant admin reaching beyond its tenant,
 * a developer changing server-wide settings, and keys that cannot be revoked or expire. Keys of
 * B's roles are made with the operator's key. Every 2xx that gave more than B may see is a
 * leak; every 401/403/404 is a refusal that the audit log must record.
 */
export async function probeHostileTenant(
  send: Send,
  a: ProbeTenant,
  b: ProbeTenant,
  features: { tiering: boolean; faults: boolean },
): Promise<ProbeFindings> {
  const found: ProbeFindings = { leaks: [], refusals: [] };
  const attempt = async (
    what: string,
    [method, path, key, body]: [string, string, string | null, unknown?],
    hint: string,
    leaked: (text: string) => boolean = () => true,
  ) => {
    const res = await send(method, path, key, body);
    if (res.status >= 200 && res.status < 300) {
      if (leaked(res.text)) found.leaks.push(`${what}: ${method} ${path} answered ${res.status}`);
    } else if (res.status === 401 || res.status === 403 || res.status === 404) {
      found.refusals.push({ what, status: res.status, hint });
    }
  };
  const newKey = async (tenant: string, body: Record<string, unknown>) => {
    const res = await send("POST", `/admin/tenants/${tenant}/api-keys`, undefined, body);
    const parsed = res.status === 201 ? jsonOf(res.text) : {};
    return {
      status: res.status,
      key: parsed.api_key as string,
      keyId: parsed.key_id as string,
      expiresAt: parsed.expires_at,
    };
  };
  // Without a key of its own a probe would be sent with the operator's (probeRequest's default).
  const made = async (tenant: string, body: Record<string, unknown>) => {
    const k = await newKey(tenant, body);
    if (typeof k.key !== "string") {
      throw new Error(`the operator's key could not make a ${body.role} key (${k.status})`);
    }
    return k;
  };
  const bAdmin = (await made(b.id, { role: "admin", name: "probe-admin" })).key;
  const bDev = (await made(b.id, { role: "developer", name: "probe-developer" })).key;
  const aColl = a.collectionIds[0];
  const mentionsA = (text: string) => a.collectionIds.some((id) => text.includes(id));

  // 1. Server-wide metrics and health need the operator (or a metrics reader).
  await attempt("anonymous metrics", ["GET", "/metrics", null], "metrics");
  await attempt("anonymous health details", ["GET", "/admin/health", null], "health");
  await attempt("anonymous tier counts", ["GET", "/api/v1/metrics/tiers", null], "tiers");
  await attempt("tenant B reads A's metrics", ["GET", "/metrics", bDev], "metrics", mentionsA);
  await attempt("tenant B reads server health", ["GET", "/admin/health", bDev], "health");
  await attempt(
    "tenant B counts every tenant's tiers",
    [
      "GET",
      "/api/v1/metrics/tiers",
      bDev,
    ],
    "tiers",
    (text) => tierTotal(text) > b.collectionIds.length,
  );

  // 2. A tenant admin acts inside its tenant only.
  const hasA = (text: string) => text.includes(a.id);
  await attempt("B's admin lists tenants", ["GET", "/admin/tenants", bAdmin], "tenants", hasA);
  await attempt("B's admin makes a key in A", [
    "POST",
    `/admin/tenants/${a.id}/api-keys`,
    bAdmin,
    { role: "developer" },
  ], a.id);
  await attempt("B's admin reads A's collection", [
    "GET",
    `/api/v1/collections/${aColl}`,
    bAdmin,
  ], aColl);
  const aEntries = (text: string) => auditTenants(text).includes(a.id);
  await attempt(
    "B's admin reads A's audit log",
    [
      "GET",
      `/api/v1/audit?tenant=${a.id}&limit=1000`,
      bAdmin,
    ],
    "audit",
    aEntries,
  );
  await attempt(
    "B's admin reads the whole audit log",
    [
      "GET",
      "/api/v1/audit?limit=1000",
      bAdmin,
    ],
    "audit",
    aEntries,
  );
  await attempt("B's admin creates a tenant", [
    "POST",
    "/admin/tenants",
    bAdmin,
    { name: `probe-${crypto.randomUUID()}` },
  ], "tenants");

  // 3. Server-wide settings need the operator. The policy sent is the one in force, so a
  // target that accepts it is not changed.
  if (features.tiering) {
    const policy = await send("GET", "/api/v1/tiering/policy", undefined);
    if (policy.status === 200) {
      await attempt("tenant B's developer sets the tiering policy", [
        "PUT",
        "/api/v1/tiering/policy",
        bDev,
        jsonOf(policy.text),
      ], "policy");
    }
    await attempt("tenant B's developer lists the DLQ", ["GET", "/admin/dlq", bDev], "dlq");
  }
  if (features.faults) {
    await attempt("tenant B's developer clears faults", [
      "DELETE",
      "/admin/faults",
      bDev,
    ], "faults");
  }
  await attempt("tenant B's developer resets the breaker", [
    "POST",
    "/admin/circuit-breaker/reset",
    bDev,
  ], "circuit-breaker");

  // 4. A revoked or expired key is refused at once.
  const revoked = await made(b.id, { role: "viewer", name: "probe-revoked" });
  await send("GET", "/api/v1/collections", revoked.key);
  const revoke = await send(
    "DELETE",
    `/admin/tenants/${b.id}/api-keys/${revoked.keyId}`,
    undefined,
  );
  if (revoke.status < 200 || revoke.status > 299) {
    found.leaks.push(`keys cannot be revoked: DELETE answered ${revoke.status}`);
  }
  await attempt("a revoked key", ["GET", "/api/v1/collections", revoked.key], "collections");
  // A lifetime, not a time: on a busy machine a time 1 s ahead may have passed on arrival.
  const expiring = await newKey(b.id, { role: "viewer", name: "probe-expiring", expires_in_s: 1 });
  const expiresAt = Date.parse(String(expiring.expiresAt));
  if (typeof expiring.key !== "string" || Number.isNaN(expiresAt)) {
    found.leaks.push(`keys cannot expire: a key with expires_in_s answered ${expiring.status}`);
  } else {
    await sleep(Math.max(0, expiresAt - Date.now()) + 100);
    await attempt("an expired key", ["GET", "/api/v1/collections", expiring.key], "collections");
  }
  return found;
}

/**
 * Sends NOISE_REQUESTS anonymous requests with NOISE_PATH_CHARS-long paths; call before reading
 * the audit log, so probes' entries pushed out by the noise show as missing.
 */
export async function sendAnonymousNoise(send: Send): Promise<void> {
  for (let i = 0; i < NOISE_REQUESTS; i++) {
    const path = `/api/v1/collections/${String(i).padStart(NOISE_PATH_CHARS, "n")}`;
    await send("GET", path, null);
  }
}

/** hot + warm + cold of a /api/v1/metrics/tiers answer (total_collections when given). */
function tierTotal(text: string): number {
  const b = jsonOf(text);
  const n = (v: unknown) => (typeof v === "number" ? v : 0);
  return typeof b.total_collections === "number"
    ? b.total_collections
    : n(b.hot_count) + n(b.warm_count) + n(b.cold_count);
}

/** Tenant ids of the entries of an audit answer. */
function auditTenants(text: string): string[] {
  const b = jsonOf(text);
  const list = (Array.isArray(b) ? b : b.entries ?? b.events ?? []) as Record<string, unknown>[];
  return list.map((e) => String(e.tenant_id ?? e.tenant ?? ""));
}

/** A JSON object answer, or {} for anything else. */
function jsonOf(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}
