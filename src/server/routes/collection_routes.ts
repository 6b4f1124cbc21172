import type { Context, Hono } from "hono";
import type { Collection } from "../collection.ts";
import { AKIDB_BODY_BYTES, readJsonBody } from "../json_body.ts";
import { excerpt } from "../excerpt.ts";
import { HttpError } from "../http_error.ts";
import type { RouteDeps } from "../route_deps.ts";
import type { CollectionMetric } from "../collection_meta.ts";
import { createCollectionBody } from "../schemas.ts";
import { type CollectionAccess, type ServerEnv, tenantOf } from "../server_env.ts";
import { canonicalUuid, uuidV7 } from "../uuid_v7.ts";
import { rfc3339 } from "./akidb_json.ts";

/** A collection as AkiDB's CollectionInfo (list and get). */
export function collectionSummary(collection: Collection) {
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
 * The `:id` path parameter as a lowercase hyphenated UUID. It parses as AkiDB's collection ids do
 * (any case, 32 hex digits, braces, urn:uuid:); anything else is AkiDB's 400 "Invalid
 * collection_id" (an unknown but well-formed id is 404 later).
 */
export function collectionIdParam(c: Context<ServerEnv>): string {
  const raw = c.req.param("id") ?? "";
  const id = canonicalUuid(raw);
  if (id === null) {
    throw new HttpError(400, `Invalid collection_id: '${excerpt(raw)}' is not a UUID`);
  }
  return id;
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
  const collection = deps.store.get(collectionIdParam(c), tenantOf(c));
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
    const body = await readJsonBody(c, createCollectionBody, AKIDB_BODY_BYTES);
    const collection = await deps.store.createCollection({
      id: uuidV7(),
      name: body.name,
      dimension: body.dimension,
      metric: body.metric.toLowerCase() as CollectionMetric,
      owner: tenantOf(c),
      embeddingModel: body.embedding_model ?? null,
      createdAt: Date.now(),
      index: deps.store.indexParams,
    });
    const { id, name, dimension } = collection.meta;
    // AkiDB echoes the metric as it was sent ("COSINE"); lists show it lower-case.
    return c.json({ collection_id: id, name, dimension, metric: body.metric }, 201);
  });
  app.get("/api/v1/collections", (c) => {
    return c.json({ collections: deps.store.list(tenantOf(c)).map(collectionSummary) });
  });
  app.get("/api/v1/collections/:id", (c) => {
    return c.json({
      collection: collectionSummary(deps.store.get(collectionIdParam(c), tenantOf(c))),
    });
  });
  app.delete("/api/v1/collections/:id", async (c) => {
    await deps.store.deleteCollection(deps.store.get(collectionIdParam(c), tenantOf(c)));
    return c.body(null, 204);
  });
}
