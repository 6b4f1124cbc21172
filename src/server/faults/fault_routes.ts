import { Hono } from "hono";
import { type FaultInjector, FaultSpecSchema } from "./fault_injector.ts";

/** POST/GET/DELETE /admin/faults; mount only when the server runs with faults enabled. */
export function faultRoutes(faults: FaultInjector): Hono {
  const app = new Hono();
  app.get("/admin/faults", (c) => c.json(faults.settings()));
  app.post("/admin/faults", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: "body must be JSON" }, 400);
    }
    const parsed = FaultSpecSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return c.json({ error: `${issue.path.join(".") || "body"}: ${issue.message}` }, 400);
    }
    return c.json(faults.set(parsed.data));
  });
  app.delete("/admin/faults", (c) => c.json(faults.clear()));
  return app;
}
