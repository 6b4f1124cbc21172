import type { Hono, MiddlewareHandler } from "hono";
import type { CapabilitiesResponse } from "../api/capabilities.ts";
import type { Collection } from "./collection.ts";
import type { Store } from "./store.ts";

/** Per-request variables. Tenancy middleware sets `tenantId`; routes default it to "default". */
export interface ServerVariables {
  tenantId: string;
  principal: string;
  role: string;
  /** Set by tenancy: the principal's views span every tenant (operator, metrics reader). */
  serverScope: boolean;
  /** performance.now() time by which the request's body must have arrived (json_body.ts). */
  bodyDeadline: number;
  /** Run when the request ends (e.g. tiering's lease on a collection it loaded). */
  onRequestEnd: (() => void)[];
}

/** What a request does to a collection's data (tiering promotes a collection before writes). */
export type CollectionAccess = "read" | "write";

/** Hono environment of the reference server. */
export interface ServerEnv {
  Variables: Partial<ServerVariables>;
}

/** DLQ and circuit-breaker state, provided by the S3/tiering layer once it exists. */
export interface Resilience {
  dlqSize(): number;
  retryDlq(collectionId: string): Promise<{ retried: number; succeeded: number; failed: number }>;
  /** 0 closed, 1 open, 2 half-open. */
  breakerState(): 0 | 1 | 2;
  breakerErrorRate(): number;
  resetBreaker(): { previous: string; current: string };
  /** akidb_s3_{uploads,downloads,retries,permanent_failures}_total (0 when absent). */
  s3Counters?(): Record<"uploads" | "downloads" | "retries" | "permanent_failures", number>;
}

/**
 * Plug-in points for tenancy/auth, audit, tiering and faults. Middleware runs after request
 * metrics and body-size checks and before every route, in array order (e.g. auth → audit →
 * faults). `routes` mounts extra routes (admin tenants/keys, audit, tier, faults).
 * `beforeCollectionAccess` runs before any route touches a collection's data, so a tier manager
 * can load a cold/warm collection back into RAM; the function it may return runs when the
 * request ends (releasing the collection). `fetchImage` reads an evicted collection's image from
 * the object store (recovery). `prometheus` appends metric lines.
 */
export interface ServerExtensions {
  middleware?: MiddlewareHandler<ServerEnv>[];
  routes?: (app: Hono<ServerEnv>, store: Store) => void;
  capabilities?: Partial<CapabilitiesResponse>;
  beforeCollectionAccess?: (
    collection: Collection,
    access: CollectionAccess,
  ) => Promise<(() => void) | void>;
  fetchImage?: (objectKey: string) => Promise<Uint8Array>;
  resilience?: Resilience;
  prometheus?: () => string;
}

/** The tenant of the request ("default" without tenancy middleware). */
export function tenantOf(c: { get(key: "tenantId"): string | undefined }): string {
  return c.get("tenantId") ?? "default";
}

/** True when the request may see every tenant's collections in counts (or runs without tenancy). */
export function seesEveryTenant(c: { get(key: "serverScope"): boolean | undefined }): boolean {
  return c.get("serverScope") ?? true;
}

/**
 * Several extension sets as one: middleware in order, routes in order, capabilities merged;
 * at most one part may provide each of beforeCollectionAccess, resilience and fetchImage.
 */
export function combineExtensions(...parts: ServerExtensions[]): ServerExtensions {
  const one = <K extends "beforeCollectionAccess" | "resilience" | "fetchImage">(key: K) => {
    const given = parts.filter((p) => p[key] !== undefined);
    if (given.length > 1) throw new Error(`two extensions provide ${key}`);
    return given[0]?.[key];
  };
  const prometheus = parts.flatMap((p) => p.prometheus ?? []);
  return {
    middleware: parts.flatMap((p) => p.middleware ?? []),
    routes: (app, store) => parts.forEach((p) => p.routes?.(app, store)),
    capabilities: Object.assign({}, ...parts.map((p) => p.capabilities ?? {})),
    beforeCollectionAccess: one("beforeCollectionAccess"),
    resilience: one("resilience"),
    fetchImage: one("fetchImage"),
    prometheus: prometheus.length === 0 ? undefined : () => prometheus.map((f) => f()).join(""),
  };
}
