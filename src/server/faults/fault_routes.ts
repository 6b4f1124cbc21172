import { Hono } from "hono";
import { readJsonBody, SMALL_BODY_BYTES } from "../json_body.ts";
import { type FaultInjector, FaultSpecSchema } from "./fault_injector.ts";

/** POST/GET/DELETE /admin/faults; mount only when the server runs with faults enabled. */
export function faultRoutes(faults: FaultInjector): Hono {
  const app = new Hono();
  app.get("/admin/faults", (c) => c.json(faults.settings()));
  app.post("/admin/faults", async (c) => {
    return c.json(faults.set(await readJsonBody(c, FaultSpecSchema, SMALL_BODY_BYTES)));
  });
  app.delete("/admin/faults", (c) => c.json(faults.clear()));
  return app;
}
