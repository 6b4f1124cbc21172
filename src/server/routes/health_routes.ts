import type { Hono } from "hono";
import { totalmem } from "node:os";
import type { RouteDeps } from "../route_deps.ts";
import type { CapabilitiesResponse } from "../../api/capabilities.ts";
import type { ServerEnv } from "../server_env.ts";
import { VERSION } from "../../version.ts";

/** One component of GET /admin/health, shaped like AkiDB's ComponentHealth. */
interface ComponentHealth {
  status: "healthy" | "degraded" | "unhealthy";
  message: string | null;
  details: Record<string, unknown> | null;
}

/** AkiDB's answer to /ready, both ways (akidb-rest handlers/health.rs). */
const READY = { status: "ready", message: "Service is ready to accept traffic" };
const NOT_READY = {
  status: "not_ready",
  message: "Service is still loading collections or storage backends are unavailable",
};

/** GET /health, /ready, /admin/health, /api/v1/capabilities. */
export function healthRoutes(app: Hono<ServerEnv>, deps: RouteDeps): void {
  app.get("/health", (c) => c.json({ status: "healthy", message: "akibench reference server" }));
  app.get("/ready", (c) => deps.isReady() ? c.json(READY) : c.json(NOT_READY, 503));
  app.get("/admin/health", (c) => {
    const components = {
      database: database(deps),
      storage: storage(deps),
      memory: memory(),
    };
    const statuses = Object.values(components).map((x) => x.status);
    const status = statuses.includes("unhealthy")
      ? "unhealthy"
      : statuses.includes("degraded")
      ? "degraded"
      : "healthy";
    const body = {
      status,
      version: VERSION,
      uptime_seconds: Math.floor((performance.now() - deps.startedAt) / 1000),
      components,
    };
    // AkiDB answers an unhealthy server with 503 and the same body.
    return c.json(body, status === "unhealthy" ? 503 : 200);
  });
  app.get("/api/v1/capabilities", (c) => {
    const capabilities: CapabilitiesResponse = {
      tiering: false,
      tenancy: false,
      audit: false,
      faults: false,
      batch_insert: true,
      ...deps.extensions.capabilities,
    };
    return c.json(capabilities);
  });
}

/** AkiDB: healthy when the collection list can be read; ours also degrades while not ready. */
function database(deps: RouteDeps): ComponentHealth {
  const details = {
    collections: deps.store.collections.size,
    pending_vectors: deps.store.pendingVectors(),
    wal_size_bytes: deps.store.walBytes,
  };
  return deps.isReady()
    ? { status: "healthy", message: null, details }
    : { status: "degraded", message: "recovering or shutting down", details };
}

/** AkiDB: by the S3 circuit breaker (closed healthy, half-open degraded, open unhealthy). */
function storage(deps: RouteDeps): ComponentHealth {
  const resilience = deps.extensions.resilience;
  const state = resilience?.breakerState() ?? 0; // 0 closed, 1 open, 2 half-open
  const s3 = resilience?.s3Counters?.();
  if (state === 1) {
    return {
      status: "unhealthy",
      message: "Circuit breaker open (S3 failing)",
      details: { circuit_breaker: "open" },
    };
  }
  if (state === 2) {
    return {
      status: "degraded",
      message: "Circuit breaker half-open (recovering)",
      details: { circuit_breaker: "half_open" },
    };
  }
  return {
    status: "healthy",
    message: null,
    details: {
      circuit_breaker: "closed",
      s3_uploads: s3?.uploads ?? 0,
      s3_permanent_failures: s3?.permanent_failures ?? 0,
    },
  };
}

/**
 * AkiDB rates its vector cache's fill (≥ 75 % degraded, ≥ 90 % unhealthy); the reference keeps
 * vectors in the process, so it rates the process's resident memory against the machine's.
 */
function memory(): ComponentHealth {
  const size = Deno.memoryUsage().rss;
  const capacity = totalmem();
  const usage = capacity > 0 ? (size / capacity) * 100 : 0;
  const details = { usage_percent: usage, size_bytes: size, capacity_bytes: capacity };
  if (usage >= 90) {
    return { status: "unhealthy", message: `Memory usage critical: ${usage.toFixed(1)}%`, details };
  }
  if (usage >= 75) {
    return { status: "degraded", message: `Memory usage high: ${usage.toFixed(1)}%`, details };
  }
  return { status: "healthy", message: null, details };
}
