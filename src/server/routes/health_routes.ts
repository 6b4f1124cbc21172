import type { Hono } from "hono";
import type { RouteDeps } from "../route_deps.ts";
import type { Capabilities, ServerEnv } from "../server_env.ts";
import { VERSION } from "../../version.ts";

/** GET /health, /ready, /admin/health, /api/v1/capabilities. */
export function healthRoutes(app: Hono<ServerEnv>, deps: RouteDeps): void {
  app.get("/health", (c) => c.json({ status: "healthy", message: "akibench reference server" }));
  app.get(
    "/ready",
    (c) => deps.isReady() ? c.json({ status: "ready" }) : c.json({ status: "not_ready" }, 503),
  );
  app.get("/admin/health", (c) => {
    const breaker = deps.extensions.resilience?.breakerState() ?? 0;
    return c.json({
      status: deps.isReady() ? "healthy" : "degraded",
      version: VERSION,
      uptime_seconds: Math.floor((performance.now() - deps.startedAt) / 1000),
      components: {
        storage: { status: "healthy", collections: deps.store.collections.size },
        wal: { status: "healthy", size_bytes: deps.store.walBytes },
        index: { status: "healthy", pending_vectors: deps.store.pendingVectors() },
        circuit_breaker: { status: ["closed", "open", "half_open"][breaker] },
      },
    });
  });
  app.get("/api/v1/capabilities", (c) => {
    const capabilities: Capabilities = {
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
