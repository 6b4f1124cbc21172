import type { Hono } from "hono";
import { excerpt } from "../excerpt.ts";
import { HttpError } from "../http_error.ts";
import { AKIDB_BODY_BYTES, readJsonBody } from "../json_body.ts";
import type { RouteDeps } from "../route_deps.ts";
import { insertBatchBody, type InsertBody, insertBody, queryBody } from "../schemas.ts";
import type { ServerEnv } from "../server_env.ts";
import type { CollectionMeta } from "../collection_meta.ts";
import type { NewDocument } from "../store.ts";
import { canonicalUuid } from "../uuid_v7.ts";
import { toFloat32Vector } from "../vector_input.ts";
import { collectionOf } from "./collection_routes.ts";
import { queryResponseBody } from "./query_response.ts";
import { documentResponseBody } from "./akidb_json.ts";

function newDocument(body: InsertBody, meta: CollectionMeta, field: string): NewDocument {
  return {
    docId: canonicalUuid(body.doc_id)!,
    externalId: body.external_id ?? null,
    vector: toFloat32Vector(body.vector, meta, field),
  };
}

function docIdParam(value: string): string {
  const docId = canonicalUuid(value);
  if (docId === null) throw new HttpError(400, `Invalid doc_id: '${excerpt(value)}' is not a UUID`);
  return docId;
}

/** The body limit of a route AkiDB has: its 2 MiB, or the server's own limit if lower. */
function akidbBodyBytes(deps: RouteDeps): number {
  return Math.min(AKIDB_BODY_BYTES, deps.maxBodyBytes);
}

/** Insert, batch insert, query and per-document routes under /api/v1/collections/:id. */
export function docRoutes(app: Hono<ServerEnv>, deps: RouteDeps): void {
  app.post("/api/v1/collections/:id/insert", async (c) => {
    const started = performance.now();
    const collection = await collectionOf(c, deps, "write");
    const body = await readJsonBody(c, insertBody, akidbBodyBytes(deps));
    const doc = newDocument(body, collection.meta, "vector");
    await deps.store.insert(collection, [doc]);
    return c.json({ doc_id: doc.docId, latency_ms: performance.now() - started });
  });
  app.post("/api/v1/collections/:id/insert_batch", async (c) => {
    const started = performance.now();
    const collection = await collectionOf(c, deps, "write");
    const body = await readJsonBody(c, insertBatchBody, deps.maxBodyBytes);
    const docs = body.docs.map((d, i) => newDocument(d, collection.meta, `docs.${i}.vector`));
    if (new Set(docs.map((d) => d.docId)).size !== docs.length) {
      throw new HttpError(409, "docs contains the same doc_id twice");
    }
    await deps.store.insert(collection, docs);
    return c.json({ inserted: docs.length, latency_ms: performance.now() - started });
  });
  app.post("/api/v1/collections/:id/query", async (c) => {
    const started = performance.now();
    const collection = await collectionOf(c, deps, "read");
    const body = await readJsonBody(c, queryBody, akidbBodyBytes(deps));
    const query = toFloat32Vector(body.query_vector, collection.meta, "query_vector");
    const hits = await deps.store.query(collection, query, body.top_k);
    const answer = queryResponseBody(hits, collection.meta.metric, performance.now() - started);
    return c.body(answer, 200, { "content-type": "application/json" });
  });
  app.get("/api/v1/collections/:id/docs/:doc_id", async (c) => {
    const collection = await collectionOf(c, deps, "read");
    const docId = docIdParam(c.req.param("doc_id"));
    const body = documentResponseBody(collection.getDocument(docId));
    return c.body(body, 200, { "content-type": "application/json" });
  });
  app.delete("/api/v1/collections/:id/docs/:doc_id", async (c) => {
    const started = performance.now();
    const collection = await collectionOf(c, deps, "write");
    await deps.store.deleteDocument(collection, docIdParam(c.req.param("doc_id")));
    return c.json({ latency_ms: performance.now() - started });
  });
}
