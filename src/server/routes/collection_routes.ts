import type { Context, Hono } from "hono";
import type { Collection } from "../collection.ts";
import { readJsonBody, SMALL_BODY_BYTES } from "../json_body.ts";
import type { RouteDeps } from "../route_deps.ts";
import { createCollectionBody } from "../schemas.ts";
import { type CollectionAccess, type ServerEnv, tenantOf } from "../server_env.ts";
import { uuidV7 } from "../uuid_v7.ts";
import { rfc3339 } from "./akidb_json.ts";

function summary(collection: Collection) {
  const { id, name, dimension, metric, createdAt } = collection.meta;
  return {
    collection_id: id,
    name,
    dimension,
    metric,
    document_count: collection.documentCount,
    created_at: rfc3339(createdAt),
  };
}

/**
 * Looks up `:id` for the request's tenant (404 otherwise) and gives extensions (tiering) the
 * chance to bring it into memory first (and keep it there until the request ends).
 */
export async function collectionOf(
  c: Context<ServerEnv>,
  deps: RouteDeps,
  access: CollectionAccess,
): Promise<Collection> {
  const collection = deps.store.get(c.req.param("id") ?? "", tenantOf(c));
  const release = await deps.extensions.beforeCollectionAccess?.(collection, access);
  if (deps.extensions.beforeCollectionAccess === undefined) {
    await deps.store.loadEvicted(collection);
  }
  if (release) {
    const onEnd = c.get("onRequestEnd") ?? [];
    onEnd.push(release);
    c.set("onRequestEnd", onEnd);
  }
  return collection;
}

/** Collections CRUD under /api/v1/collections. */
export function collectionRoutes(app: Hono<ServerEnv>, deps: RouteDeps): void {
  app.post("/api/v1/collections", async (c) => {
    const body = await readJsonBody(c, createCollectionBody, SMALL_BODY_BYTES);
    const collection = await deps.store.createCollection({
      id: uuidV7(),
      name: body.name,
      dimension: body.dimension,
      metric: body.metric,
      owner: tenantOf(c),
      embeddingModel: body.embedding_model ?? null,
      createdAt: Date.now(),
      index: deps.store.indexParams,
    });
    const { id, name, dimension, metric } = collection.meta;
    return c.json({ collection_id: id, name, dimension, metric }, 201);
  });
  app.get("/api/v1/collections", (c) => {
    return c.json({ collections: deps.store.list(tenantOf(c)).map(summary) });
  });
  app.get("/api/v1/collections/:id", (c) => {
    return c.json({ collection: summary(deps.store.get(c.req.param("id"), tenantOf(c))) });
  });
  app.delete("/api/v1/collections/:id", async (c) => {
    await deps.store.deleteCollection(deps.store.get(c.req.param("id"), tenantOf(c)));
    return c.body(null, 204);
  });
}
