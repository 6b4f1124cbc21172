import type { Hono } from "hono";
import type { RouteDeps } from "../route_deps.ts";
import type { ServerEnv } from "../server_env.ts";
import { collectionOf } from "./collection_routes.ts";

/** Breaker states as AkiDB's reset answer spells them (Rust's Debug of CircuitBreakerState). */
const AKIDB_STATE: Record<string, string> = {
  closed: "Closed",
  open: "Open",
  half_open: "HalfOpen",
};

/**
 * DLQ retry and circuit-breaker reset. The core has no S3 path, so without a `resilience`
 * extension the DLQ is empty and the breaker always closed.
 */
export function adminRoutes(app: Hono<ServerEnv>, deps: RouteDeps): void {
  app.post("/admin/collections/:id/dlq/retry", async (c) => {
    const collection = await collectionOf(c, deps, "read");
    const result = await deps.extensions.resilience?.retryDlq(collection.meta.id) ??
      { retried: 0, succeeded: 0, failed: 0 };
    return c.json({
      collection_id: collection.meta.id,
      retried_count: result.retried,
      success_count: result.succeeded,
      failed_count: result.failed,
    });
  });
  app.post("/admin/circuit-breaker/reset", (c) => {
    const { previous, current } = deps.extensions.resilience?.resetBreaker() ??
      { previous: "closed", current: "closed" };
    return c.json({
      status: "success",
      message: "Circuit breaker reset successfully",
      previous_state: AKIDB_STATE[previous],
      new_state: AKIDB_STATE[current],
    });
  });
}
