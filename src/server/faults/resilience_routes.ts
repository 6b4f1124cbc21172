import { Hono } from "hono";
import type { ResilientObjectStore } from "./resilient_object_store.ts";

/** POST /admin/collections/:id/dlq/retry, POST /admin/circuit-breaker/reset, GET /admin/dlq. */
export function resilienceRoutes(s3: ResilientObjectStore): Hono {
  const app = new Hono();
  app.post("/admin/collections/:id/dlq/retry", async (c) => {
    return c.json(await s3.retryDeadLetters(c.req.param("id")));
  });
  app.post("/admin/circuit-breaker/reset", (c) => {
    const { previous, next } = s3.breaker.reset();
    return c.json({ status: "reset", previous_state: previous, new_state: next });
  });
  app.get("/admin/dlq", (c) => {
    const entries = s3.dlq.entries().map(({ replay: _replay, ...entry }) => ({
      id: entry.id,
      collection_id: entry.collectionId,
      object_key: entry.objectKey,
      purpose: entry.purpose,
      error: entry.error,
      permanent: entry.permanent,
      attempts: entry.attempts,
      failed_at: entry.failedAt,
    }));
    return c.json({ size: entries.length, dropped: s3.dlq.dropped(), entries });
  });
  return app;
}
