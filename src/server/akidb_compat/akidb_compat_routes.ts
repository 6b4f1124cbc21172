import type { Context, Hono } from "hono";
import { DomainError, type DomainErrorKind } from "../domain_error.ts";
import { HttpError } from "../http_error.ts";
import type { RouteDeps } from "../route_deps.ts";
import type { CollectionMetric } from "../collection_meta.ts";
import type { Collection } from "../collection.ts";
import { type CollectionAccess, type ServerEnv, tenantOf } from "../server_env.ts";
import { canonicalUuid, uuidV7 } from "../uuid_v7.ts";
import { BAD_COLLECTION_NAME, MAX_TOP_K, METRICS } from "../schemas.ts";
import { collectionOf, collectionSummary } from "../routes/collection_routes.ts";
import { documentResponseBody } from "../routes/akidb_json.ts";
import { queryResponseBody } from "../routes/query_response.ts";
import { akidbJsonBody } from "./akidb_json_body.ts";

/**
 * Most matches AkiDB returns: its HNSW (instant-distance, ef_search 128 in
 * akidb-index/src/instant_hnsw.rs:41) yields at most ef_search candidates, cut to top_k (:443).
 */
export const AKIDB_MAX_MATCHES = 128;

/** The dot-product refusal of AkiDB's index (akidb-index/src/instant_hnsw.rs:158-166). */
const DOT_REFUSED = "invalid state: instant-distance backend does not support Dot product " +
  "metric. Alternatives:\n1. Use BruteForceIndex (100% accuracy, slower for >10k vectors)\n" +
  "2. Use custom HnswIndex (research-only, 65% recall)\n" +
  "3. Convert to Cosine similarity (normalize vectors before insert)";

/**
 * `serve --compat akidb`: AkiDB 2.0's own handlers (akidb-rest src/handlers/management.rs,
 * collections.rs, health.rs) over the reference store, with AkiDB's order of checks, statuses
 * and text/plain messages: validation in the service is 500 (400 only when the message says
 * "dimension"), not found 404, a dot collection 500, at most 128 matches, /ready 503 until a
 * collection exists, no capabilities or insert_batch. Registered before the core routes, so
 * these answer first.
 */
export function akidbCompatRoutes(app: Hono<ServerEnv>, deps: RouteDeps): void {
  // The reference's own routes: AkiDB has none (axum: 404, empty body), so a client sees no
  // capabilities and loads one document per request, as against AkiDB.
  for (const path of ["/api/v1/capabilities", "/api/v1/collections/:id/insert_batch"]) {
    app.all(path, (c) => c.body(null, 404));
  }
  app.get("/ready", (c) => {
    const ready = deps.isReady() && deps.store.collections.size > 0;
    return ready
      ? c.json({ status: "ready", message: "Service is ready to accept traffic" })
      : c.json({
        status: "not_ready",
        message: "Service is still loading collections or storage backends are unavailable",
      }, 503);
  });
  app.post("/admin/collections/:id/dlq/retry", (c) => {
    // admin.rs:204-227: its own wording for a bad id, and every failure a 500.
    const raw = c.req.param("id");
    const id = canonicalUuid(raw);
    if (id === null) throw new HttpError(400, `Invalid collection ID: ${uuidError(raw)}`);
    if (!deps.store.list(tenantOf(c)).some((x) => x.meta.id === id)) {
      throw serviceError(`DLQ retry failed: Collection \`${id}\` was not found`);
    }
    // No S3 path under --compat (no tiering), so the dead-letter queue is empty.
    return c.json({ collection_id: id, retried_count: 0, success_count: 0, failed_count: 0 });
  });
  app.post("/api/v1/collections", async (c) => {
    const body = await akidbJsonBody(c, {
      name: "string",
      dimension: "u32",
      metric: "string",
      embedding_model: "string?",
    });
    const name = body.name as string, dimension = body.dimension as number;
    const metric = body.metric as string, model = body.embedding_model as string | null;
    if (name === "") throw new HttpError(400, "name cannot be empty");
    if (!(METRICS as readonly string[]).includes(metric.toLowerCase())) {
      throw new HttpError(400, `invalid metric: '${metric}', must be one of: cosine, l2, dot`);
    }
    if (new TextEncoder().encode(name).length > 255) {
      throw serviceError(`validation error: collection name must be <= 255 characters`);
    }
    if (BAD_COLLECTION_NAME.test(name)) {
      throw serviceError("validation error: collection name contains invalid characters");
    }
    if (dimension < 16 || dimension > 4096) {
      // management.rs:59-65: a create error that mentions "dimension" is 400, others 500.
      throw new HttpError(
        400,
        `invalid state: dimension must be between 16 and 4096, got ${dimension}`,
      );
    }
    if (model !== null && (model === "" || model.length > 256)) {
      throw serviceError("validation error: embedding_model must be 1 to 256 characters");
    }
    const id = uuidV7();
    if (metric.toLowerCase() === "dot") {
      if (deps.store.list(tenantOf(c)).some((x) => x.meta.name === name)) throw duplicate(id);
      throw serviceError(DOT_REFUSED);
    }
    await deps.store.createCollection({
      id,
      name,
      dimension,
      metric: metric.toLowerCase() as CollectionMetric,
      owner: tenantOf(c),
      embeddingModel: model,
      createdAt: Date.now(),
      index: deps.store.indexParams,
    }).catch((error) => {
      throw isKind(error, "conflict") ? duplicate(id) : error;
    });
    return c.json({ collection_id: id, name, dimension, metric }, 201);
  });
  app.get("/api/v1/collections", (c) => {
    // AkiDB's list leaves document_count at 0 (management.rs:108, "TODO").
    const collections = deps.store.list(tenantOf(c)).map((x) => ({
      ...collectionSummary(x),
      document_count: 0,
    }));
    return c.json({ collections });
  });
  app.get("/api/v1/collections/:id", async (c) => {
    const collection = await akidbCollection(c, deps);
    return c.json({ collection: collectionSummary(collection) });
  });
  app.delete("/api/v1/collections/:id", async (c) => {
    // AkiDB deletes from its repository first, whose not-found error names "collection".
    const id = collectionIdOf(c);
    const collection = await collectionOf(c, deps, "write").catch((error) => {
      throw isKind(error, "not_found")
        ? new HttpError(404, `collection \`${id}\` was not found`)
        : error;
    });
    await deps.store.deleteCollection(collection);
    return c.body(null, 204);
  });
  app.post("/api/v1/collections/:id/insert", async (c) => {
    const started = performance.now();
    const body = await akidbJsonBody(c, {
      doc_id: "string",
      external_id: "string?",
      vector: "f32[]",
    });
    collectionIdOf(c);
    const docId = canonicalUuid(body.doc_id as string);
    if (docId === null) {
      throw new HttpError(400, `Invalid doc_id: ${uuidError(body.doc_id as string)}`);
    }
    const vector = body.vector as number[];
    if (vector.length === 0) throw new HttpError(400, "vector cannot be empty");
    const collection = await akidbCollection(c, deps, "write");
    const dimension = collection.meta.dimension;
    if (vector.length !== dimension) {
      throw serviceError(
        `validation error: Vector dimension mismatch: expected ${dimension}, got ${vector.length}`,
      );
    }
    checkFinite(vector, "Vector");
    if (collection.meta.metric === "cosine" && vector.every((x) => x === 0)) {
      throw serviceError(
        "invalid state: Cannot insert zero vector with Cosine similarity metric. Cosine " +
          "similarity is mathematically undefined for zero vectors. Consider using L2 distance " +
          "metric instead.",
      );
    }
    if (collection.hasDocument(docId)) {
      throw serviceError(`invalid state: Document ${docId} already exists`);
    }
    const doc = {
      docId,
      externalId: body.external_id as string | null,
      vector: Float32Array.from(vector),
    };
    await deps.store.insert(collection, [doc]);
    return c.json({ doc_id: docId, latency_ms: performance.now() - started });
  });
  app.post("/api/v1/collections/:id/query", async (c) => {
    const started = performance.now();
    const body = await akidbJsonBody(c, { query_vector: "f32[]", top_k: "usize" });
    collectionIdOf(c);
    const query = body.query_vector as number[], topK = body.top_k as number;
    if (query.length === 0) throw new HttpError(400, "query_vector cannot be empty");
    if (topK === 0) throw serviceError("validation error: top_k must be greater than 0");
    if (topK > MAX_TOP_K) {
      throw serviceError(`validation error: top_k must be <= ${MAX_TOP_K} (got ${topK})`);
    }
    const collection = await akidbCollection(c, deps);
    const dimension = collection.meta.dimension;
    if (query.length !== dimension) {
      throw serviceError(
        `invalid state: Query dimension mismatch: expected ${dimension}, got ${query.length}`,
      );
    }
    checkFinite(query, "Query vector");
    if (collection.meta.metric === "cosine" && query.every((x) => x === 0)) {
      throw serviceError("validation error: Cannot search with zero vector using Cosine metric");
    }
    const k = Math.min(topK, AKIDB_MAX_MATCHES);
    const hits = await deps.store.query(collection, Float32Array.from(query), k);
    const answer = queryResponseBody(hits, collection.meta.metric, performance.now() - started);
    return c.body(answer, 200, { "content-type": "application/json" });
  });
  app.get("/api/v1/collections/:id/docs/:doc_id", async (c) => {
    collectionIdOf(c);
    const docId = docIdOf(c);
    const collection = await akidbCollection(c, deps);
    const body = documentResponseBody(collection.getDocument(docId));
    return c.body(body, 200, { "content-type": "application/json" });
  });
  app.delete("/api/v1/collections/:id/docs/:doc_id", async (c) => {
    const started = performance.now();
    collectionIdOf(c);
    const docId = docIdOf(c);
    const collection = await akidbCollection(c, deps, "write");
    if (!collection.hasDocument(docId)) {
      throw new HttpError(404, `Document \`${docId}\` was not found`);
    }
    await deps.store.deleteDocument(collection, docId);
    return c.json({ latency_ms: performance.now() - started });
  });
}

/** Whether `error` is the store's domain error of `kind`, which AkiDB words its own way here. */
function isKind(error: unknown, kind: DomainErrorKind): boolean {
  return error instanceof DomainError && error.kind === kind;
}

/** AkiDB's answer to a second collection of one name: its repository's AlreadyExists, 500. */
function duplicate(id: string): HttpError {
  return serviceError(`collection \`${id}\` already exists`);
}

/** AkiDB's 500 for an error of its service layer whose message has no "not found". */
function serviceError(message: string): HttpError {
  return new HttpError(500, message);
}

function checkFinite(vector: number[], what: string): void {
  const i = vector.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) {
    const value = vector[i] > 0 ? "inf" : vector[i] < 0 ? "-inf" : "NaN";
    throw serviceError(
      `invalid state: ${what} contains invalid value at index ${i}: ${value}. ` +
        "Only finite numbers are allowed (no NaN or Infinity)",
    );
  }
}

/**
 * What uuid 1.x's parse_str says of a string it refuses (its common cases: a wrong length, then
 * the first character outside [0-9a-fA-F-]).
 */
function uuidError(text: string): string {
  if (![32, 36, 38, 45].includes(text.length)) {
    return `invalid length: expected length 32 for simple format, found ${text.length}`;
  }
  const at = [...text].findIndex((ch) => !/[0-9a-fA-F-]/.test(ch));
  if (at >= 0) {
    return "invalid character: expected an optional prefix of `urn:uuid:` followed by " +
      `[0-9a-fA-F-], found \`${[...text][at]}\` at ${at + 1}`;
  }
  return "invalid group length";
}

function collectionIdOf(c: Context<ServerEnv>): string {
  const raw = c.req.param("id") ?? "";
  const id = canonicalUuid(raw);
  if (id === null) throw new HttpError(400, `Invalid collection_id: ${uuidError(raw)}`);
  return id;
}

function docIdOf(c: Context<ServerEnv>): string {
  const raw = c.req.param("doc_id") ?? "";
  const id = canonicalUuid(raw);
  if (id === null) throw new HttpError(400, `Invalid doc_id: ${uuidError(raw)}`);
  return id;
}

/** The collection, or AkiDB's 404 "Collection `id` was not found". */
async function akidbCollection(
  c: Context<ServerEnv>,
  deps: RouteDeps,
  access: CollectionAccess = "read",
): Promise<Collection> {
  const id = collectionIdOf(c);
  try {
    return await collectionOf(c, deps, access);
  } catch (error) {
    if (isKind(error, "not_found")) {
      throw new HttpError(404, `Collection \`${id}\` was not found`);
    }
    throw error;
  }
}
