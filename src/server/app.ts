import { Hono } from "hono";
import { routePath } from "hono/route";
import { httpErrorOf } from "./error_status.ts";
import { excerpt } from "./excerpt.ts";
import { discardBody } from "./json_body.ts";
import type { RouteDeps } from "./route_deps.ts";
import { adminRoutes } from "./routes/admin_routes.ts";
import { allowedHeader, allowedMethods } from "./routes/allowed_methods.ts";
import { akidbCompatRoutes } from "./akidb_compat/akidb_compat_routes.ts";
import { collectionRoutes } from "./routes/collection_routes.ts";
import { docRoutes } from "./routes/doc_routes.ts";
import { healthRoutes } from "./routes/health_routes.ts";
import { metricsRoute } from "./routes/metrics_route.ts";
import type { ServerEnv } from "./server_env.ts";

/**
 * The reference server's Hono app. Chain: request metrics → extension middleware (tenancy/auth,
 * audit, faults, in the order given) → routes. Errors become JSON {"error": …} with their
 * status (domain errors' statuses: error_status.ts; messages capped: http_error.ts); unknown
 * routes are 404, a known route with another method 405.
 */
export function buildApp(deps: RouteDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.use("*", async (c, next) => {
    const started = performance.now();
    c.set("bodyDeadline", started + deps.bodyTimeoutMs);
    deps.store.requestStarted();
    try {
      await next();
    } finally {
      deps.store.requestFinished();
      for (const release of c.get("onRequestEnd") ?? []) release();
    }
    const unmatched = (c.res.status === 404 || c.res.status === 405) && routePath(c) === "/*";
    const route = unmatched ? "unmatched" : routePath(c);
    deps.requestMetrics.observe(
      c.req.method,
      route,
      c.res.status,
      (performance.now() - started) / 1000,
    );
  });
  for (const middleware of deps.extensions.middleware ?? []) app.use("*", middleware);
  if (deps.compat === "akidb") akidbCompatRoutes(app, deps);
  healthRoutes(app, deps);
  metricsRoute(app, deps);
  collectionRoutes(app, deps);
  docRoutes(app, deps);
  adminRoutes(app, deps);
  deps.extensions.routes?.(app, deps.store);
  const compat = deps.compat === "akidb";
  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path);
    // axum answers an unknown route or method with an empty body.
    if (compat) return c.body(null, allowed.length > 0 ? 405 : 404, allowedHeader(allowed));
    if (allowed.length > 0) {
      const error = `method ${excerpt(c.req.method)} not allowed on ${excerpt(c.req.path)}`;
      return c.json({ error }, 405, allowedHeader(allowed));
    }
    return c.json({ error: `no route for ${excerpt(c.req.method)} ${excerpt(c.req.path)}` }, 404);
  });
  app.onError((error, c) => {
    const http = httpErrorOf(error);
    if (http !== undefined) {
      if (!http.closeConnection) {
        // AkiDB's errors are (StatusCode, String): text/plain.
        if (compat) return c.text(http.message, http.status);
        return c.json({ error: http.message }, http.status);
      }
      discardBody(c.req.raw);
      const headers = { connection: "close" };
      if (compat) return c.text(http.message, http.status, headers);
      return c.json({ error: http.message }, http.status, headers);
    }
    console.error("akibench server: unhandled error:", error);
    if (compat) return c.text(`internal error: ${excerpt((error as Error).message)}`, 500);
    return c.json({ error: `internal error: ${excerpt((error as Error).message)}` }, 500);
  });
  return app;
}
