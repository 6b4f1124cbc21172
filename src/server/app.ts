import { Hono } from "hono";
import { routePath } from "hono/route";
import { excerpt, HttpError } from "./http_error.ts";
import { discardBody } from "./json_body.ts";
import type { RouteDeps } from "./route_deps.ts";
import { adminRoutes } from "./routes/admin_routes.ts";
import { collectionRoutes } from "./routes/collection_routes.ts";
import { docRoutes } from "./routes/doc_routes.ts";
import { healthRoutes } from "./routes/health_routes.ts";
import { metricsRoute } from "./routes/metrics_route.ts";
import type { ServerEnv } from "./server_env.ts";

/**
 * The reference server's Hono app. Chain: request metrics → extension middleware (tenancy/auth,
 * audit, faults, in the order given) → routes. Errors become JSON {"error": …} with their
 * status (messages capped: http_error.ts); unknown routes are 404.
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
    const route = c.res.status === 404 && routePath(c) === "/*" ? "unmatched" : routePath(c);
    deps.requestMetrics.observe(
      c.req.method,
      route,
      c.res.status,
      (performance.now() - started) / 1000,
    );
  });
  for (const middleware of deps.extensions.middleware ?? []) app.use("*", middleware);
  healthRoutes(app, deps);
  metricsRoute(app, deps);
  collectionRoutes(app, deps);
  docRoutes(app, deps);
  adminRoutes(app, deps);
  deps.extensions.routes?.(app, deps.store);
  app.notFound((c) =>
    c.json({ error: `no route for ${excerpt(c.req.method)} ${excerpt(c.req.path)}` }, 404)
  );
  app.onError((error, c) => {
    if (error instanceof HttpError) {
      if (!error.closeConnection) return c.json({ error: error.message }, error.status);
      discardBody(c.req.raw);
      return c.json({ error: error.message }, error.status, { connection: "close" });
    }
    console.error("akibench server: unhandled error:", error);
    return c.json({ error: `internal error: ${excerpt((error as Error).message)}` }, 500);
  });
  return app;
}
