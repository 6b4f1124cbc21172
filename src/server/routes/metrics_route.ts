import type { Hono } from "hono";
import { storeMetricLines } from "../prometheus_text.ts";
import type { RouteDeps } from "../route_deps.ts";
import type { ServerEnv } from "../server_env.ts";

/** GET /metrics in Prometheus text exposition format. */
export function metricsRoute(app: Hono<ServerEnv>, deps: RouteDeps): void {
  app.get("/metrics", (c) => {
    const uptime = (performance.now() - deps.startedAt) / 1000;
    const lines = [
      ...storeMetricLines(deps.store, uptime, deps.extensions.resilience),
      ...deps.requestMetrics.render(),
    ];
    const extra = deps.extensions.prometheus?.();
    const body = lines.join("\n") + "\n" + (extra ? extra.trimEnd() + "\n" : "");
    return c.text(body, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
}
