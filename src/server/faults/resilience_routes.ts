import { Hono } from "hono";
import type { ResilientObjectStore } from "./resilient_object_store.ts";

/** GET /admin/dlq: the dead-letter queue's entries (DLQ retry and breaker reset are core routes). */
export function deadLetterRoutes(s3: ResilientObjectStore): Hono {
  const app = new Hono();
  app.get("/admin/dlq", (c) => {
    const entries = s3.dlq.entries().map((entry) => ({
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
