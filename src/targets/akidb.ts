import { HttpClient, JsonText } from "./http_client.ts";
import type { TransportKind } from "./http_transport.ts";
import type {
  AuditEntry,
  FaultSetting,
  Features,
  ScenarioTarget,
  TierCounts,
  TieringSetting,
} from "./scenario_target.ts";
import {
  type Capabilities,
  type CollectionInfo,
  type CollectionSpec,
  type Document,
  type RequestContext,
  type SearchHit,
  TargetError,
} from "./target.ts";
import type { Metric } from "../dataset/metric.ts";
import type { TierStart } from "../api/tier.ts";

/**
 * AkiDB's limits where it is stricter than the reference server: at most 128 matches per query
 * (akidb-index instant_hnsw.rs, ef_search 128) and 2 MiB request bodies (axum's default).
 */
export const AKIDB_MAX_MATCHES = 128;
const AKIDB_BODY_BYTES = 2 * 1024 * 1024;

/** The error of a dot scenario against AkiDB, whose HNSW refuses dot collections with a 500. */
export const DOT_UNSUPPORTED = "AkiDB does not support dot over REST";
import { vectorBody } from "./vector_text.ts";
import { vectorJsonMaxBytes, writeVectorJson } from "./float32_json.ts";

/**
 * Adapter for any server speaking the AkiDB 2.0 REST API (a real AkiDB or the reference server).
 * Tolerates AkiDB's plain-text errors; extensions are used only when GET /api/v1/capabilities
 * advertises them. A 404 there means a real AkiDB: no extensions, at most 128 matches.
 */
export class AkidbTarget implements ScenarioTarget {
  readonly name: string = "akidb";
  readonly url: string;
  readonly metricsUrl: string;
  readonly metricsKey?: string;
  readonly http: HttpClient;
  #features: Promise<Features> | null = null;

  /** `transport`: akibench's HTTP/1.1 pool (default, http:// only) or Deno's fetch. */
  constructor(url: string, readonly adminKey?: string, transport?: TransportKind) {
    this.http = new HttpClient(url, adminKey, transport);
    this.url = this.http.baseUrl;
    this.metricsUrl = `${this.url}/metrics`;
    this.metricsKey = adminKey;
  }

  async version(): Promise<string> {
    const [status, body] = await this.http.call("GET", "/admin/health", undefined, {
      accept: [401, 403, 404],
    });
    const v = status === 200 ? (body as { version?: unknown })?.version : undefined;
    return typeof v === "string" ? v : "unknown";
  }

  async capabilities(): Promise<Capabilities> {
    const { batch_insert: _, max_matches: __, ...caps } = await this.features();
    return caps;
  }

  features(): Promise<Features> {
    this.#features ??= this.http.call("GET", "/api/v1/capabilities", undefined, {
      accept: [404, 501],
    }).then(([status, body]) => {
      const b = (status === 200 && body && typeof body === "object" ? body : {}) as Record<
        string,
        unknown
      >;
      const maxMatches = status === 200 ? b.max_matches : AKIDB_MAX_MATCHES;
      return {
        tiering: b.tiering === true,
        tenancy: b.tenancy === true,
        audit: b.audit === true,
        faults: b.faults === true,
        batch_insert: b.batch_insert === true,
        ...(typeof maxMatches === "number" ? { max_matches: maxMatches } : {}),
      };
    }).catch((err) => {
      this.#features = null;
      throw err;
    });
    return this.#features;
  }

  async healthy(): Promise<boolean> {
    try {
      const [status] = await this.http.call("GET", "/health", undefined, {
        signal: AbortSignal.timeout(5000),
      });
      return status === 200;
    } catch {
      return false;
    }
  }

  async pendingIndexVectors(): Promise<number | null> {
    const [status, body] = await this.http.call("GET", "/admin/health", undefined, {
      accept: [401, 403, 404],
    });
    // The reference server's detail (AkiDB's database component has no details).
    const components = (body as {
      components?: { database?: { details?: { pending_vectors?: unknown } } };
    })?.components;
    const pending = components?.database?.details?.pending_vectors;
    return status === 200 && typeof pending === "number" ? pending : null;
  }

  async createCollection(spec: CollectionSpec, ctx?: RequestContext): Promise<string> {
    const [, body] = await this.http.call("POST", "/api/v1/collections", {
      name: spec.name,
      dimension: spec.dimension,
      metric: spec.metric,
    }, ctx).catch((error) => {
      // AkiDB's index refuses dot with a 500 naming "Dot product" (instant_hnsw.rs:158).
      if (spec.metric === "dot" && error instanceof TargetError && error.status === 500) {
        const answer = error.message.split("\n")[0];
        throw new TargetError("http_5xx", `${DOT_UNSUPPORTED} (${answer})`, 500);
      }
      throw error;
    });
    const id = (body as { collection_id?: unknown })?.collection_id;
    if (typeof id !== "string") throw invalid("POST /api/v1/collections", "collection_id");
    return id;
  }

  async deleteCollection(id: string, ctx?: RequestContext): Promise<void> {
    await this.http.call("DELETE", `/api/v1/collections/${id}`, undefined, ctx);
  }

  async listCollections(ctx?: RequestContext): Promise<CollectionInfo[]> {
    const [, body] = await this.http.call("GET", "/api/v1/collections", undefined, ctx);
    const list = (body as { collections?: unknown })?.collections;
    if (!Array.isArray(list)) throw invalid("GET /api/v1/collections", "collections");
    return list.map(collectionInfo);
  }

  async getCollection(id: string, ctx?: RequestContext): Promise<CollectionInfo | null> {
    const [status, body] = await this.http.call("GET", `/api/v1/collections/${id}`, undefined, {
      ...ctx,
      accept: [404],
    });
    if (status === 404) return null;
    const c = (body as { collection?: unknown })?.collection;
    if (!c || typeof c !== "object") throw invalid(`GET /api/v1/collections/${id}`, "collection");
    return collectionInfo(c);
  }

  async insert(collectionId: string, doc: Document, ctx?: RequestContext): Promise<void> {
    await this.http.call("POST", `/api/v1/collections/${collectionId}/insert`, {
      doc_id: doc.id,
      external_id: doc.externalId ?? undefined,
      vector: Array.from(doc.vector),
    }, ctx);
  }

  /** One insert_batch request per run of documents whose body stays under AkiDB's 2 MiB. */
  async insertBatch(collectionId: string, docs: Document[], ctx?: RequestContext): Promise<void> {
    const path = `/api/v1/collections/${collectionId}/insert_batch`;
    for (const body of batchBodies(docs, AKIDB_BODY_BYTES)) {
      await this.http.call("POST", path, new JsonText(body), ctx);
    }
  }

  /** The path and JSON body (bytes) of a search: what bench/adapter_cpu.ts sends bare. */
  searchRequest(
    collectionId: string,
    vector: Float32Array,
    k: number,
  ): { path: string; body: Uint8Array<ArrayBuffer> } {
    return {
      path: `/api/v1/collections/${collectionId}/query`,
      body: vectorBody(vector, `akidb ${k}`, (text) => `{"query_vector":${text},"top_k":${k}}`),
    };
  }

  async search(
    collectionId: string,
    vector: Float32Array,
    k: number,
    ctx?: RequestContext,
  ): Promise<SearchHit[]> {
    const { path, body: request } = this.searchRequest(collectionId, vector, k);
    const [, body] = await this.http.call("POST", path, new JsonText(request), ctx);
    const matches = (body as { matches?: unknown })?.matches;
    if (!Array.isArray(matches)) throw invalid(`POST ${path}`, "matches");
    return matches.map((m) => {
      if (typeof m?.doc_id !== "string" || typeof m?.distance !== "number") {
        throw invalid(`POST ${path}`, "matches[].doc_id/distance");
      }
      return { id: m.doc_id, externalId: m.external_id ?? null, score: m.distance };
    });
  }

  async get(collectionId: string, docId: string, ctx?: RequestContext): Promise<Document | null> {
    const path = `/api/v1/collections/${collectionId}/docs/${docId}`;
    const [status, body] = await this.http.call("GET", path, undefined, { ...ctx, accept: [404] });
    if (status === 404) return null;
    const d = (body as { document?: unknown })?.document as Record<string, unknown> | null;
    if (d === null || d === undefined) return null;
    if (typeof d.doc_id !== "string" || !Array.isArray(d.vector)) {
      throw invalid(`GET ${path}`, "document");
    }
    return {
      id: d.doc_id,
      externalId: typeof d.external_id === "string" ? d.external_id : null,
      vector: Float32Array.from(d.vector as number[]),
    };
  }

  async delete(collectionId: string, docId: string, ctx?: RequestContext): Promise<void> {
    await this.http.call(
      "DELETE",
      `/api/v1/collections/${collectionId}/docs/${docId}`,
      undefined,
      ctx,
    );
  }

  async setTieringPolicy(p: TieringSetting): Promise<void> {
    await this.http.call("PUT", "/api/v1/tiering/policy", {
      hot_to_warm_idle_s: p.hotToWarmIdleS,
      warm_to_cold_idle_s: p.warmToColdIdleS,
      warm_to_hot_accesses: p.warmToHotAccesses,
      access_window_s: p.accessWindowS,
      ...(p.checkIntervalS !== undefined ? { check_interval_s: p.checkIntervalS } : {}),
      ...(p.uploadIntervalS !== undefined ? { upload_interval_s: p.uploadIntervalS } : {}),
    }, { apiKey: this.adminKey });
  }

  async tierCounts(): Promise<TierCounts> {
    const [, body] = await this.http.call("GET", "/api/v1/metrics/tiers", undefined, {
      apiKey: this.adminKey,
    });
    const b = body as Record<string, unknown>;
    const n = (v: unknown) => (typeof v === "number" ? v : 0);
    return { hot: n(b?.hot_count), warm: n(b?.warm_count), cold: n(b?.cold_count) };
  }

  async collectionTier(collectionId: string, ctx?: RequestContext): Promise<TierStart> {
    const [, body] = await this.http.call(
      "GET",
      `/api/v1/collections/${collectionId}/tier`,
      undefined,
      ctx,
    );
    const b = body as { tier?: unknown; last_accessed_at?: unknown };
    if (b?.tier !== "hot" && b?.tier !== "warm" && b?.tier !== "cold") {
      throw new TargetError("invalid_response", `tier of ${collectionId}: ${JSON.stringify(b)}`);
    }
    const last = typeof b.last_accessed_at === "string" ? Date.parse(b.last_accessed_at) : NaN;
    return {
      tier: b.tier,
      idleS: Number.isNaN(last) ? 0 : Math.max(0, (Date.now() - last) / 1000),
    };
  }

  async setFaults(f: FaultSetting | null): Promise<void> {
    if (f === null) {
      await this.http.call("DELETE", "/admin/faults", undefined, { apiKey: this.adminKey });
      return;
    }
    await this.http.call("POST", "/admin/faults", {
      s3_latency_ms: Math.round(f.s3LatencyMs),
      s3_error_rate: f.s3ErrorRate,
      s3_throttle_rate: f.s3ThrottleRate,
    }, { apiKey: this.adminKey });
  }

  async createTenant(name: string): Promise<string> {
    const [, body] = await this.http.call("POST", "/admin/tenants", { name }, {
      apiKey: this.adminKey,
    });
    const b = body as Record<string, unknown>;
    const id = b?.tenant_id ?? (b?.tenant as Record<string, unknown>)?.tenant_id;
    if (typeof id !== "string") throw invalid("POST /admin/tenants", "tenant_id");
    return id;
  }

  async createApiKey(tenantId: string, role: string): Promise<string> {
    const path = `/admin/tenants/${tenantId}/api-keys`;
    const [, body] = await this.http.call("POST", path, { role }, { apiKey: this.adminKey });
    const b = body as Record<string, unknown>;
    const key = b?.api_key ?? b?.key;
    if (typeof key !== "string") throw invalid(`POST ${path}`, "api_key");
    return key;
  }

  probeRequest(
    method: string,
    path: string,
    key: string | null | undefined,
    body?: unknown,
  ): Promise<{ status: number; text: string }> {
    return this.http.raw(method, path, key, body);
  }

  async auditEntries(since?: string): Promise<AuditEntry[]> {
    const query = `limit=100000${since ? `&since=${encodeURIComponent(since)}` : ""}`;
    const [, body] = await this.http.call("GET", `/api/v1/audit?${query}`, undefined, {
      apiKey: this.adminKey,
    });
    const b = body as Record<string, unknown>;
    const list = Array.isArray(body) ? body : b?.entries ?? b?.events;
    if (!Array.isArray(list)) throw invalid("GET /api/v1/audit", "entries");
    return list.map((e: Record<string, unknown>) => ({
      tenant: typeof e.tenant === "string"
        ? e.tenant
        : typeof e.tenant_id === "string"
        ? e.tenant_id
        : null,
      action: String(e.action ?? ""),
      resource: String(e.resource ?? ""),
      result: String(e.result ?? e.outcome ?? ""),
      status: typeof e.status === "number" ? e.status : null,
    }));
  }

  close(): Promise<void> {
    this.http.close();
    return Promise.resolve();
  }
}

/**
 * `{"docs": […]}` bodies (UTF-8 bytes) of at most `maxBytes` each, documents in order, vectors
 * written straight into the bytes (float32_json.ts: no text to build, join and encode); a
 * single document larger than that goes alone (the server's 413 then says so).
 */
export function batchBodies(docs: Document[], maxBytes: number): Uint8Array<ArrayBuffer>[] {
  const bodies: Uint8Array<ArrayBuffer>[] = [];
  const open = () => encoder.encodeInto('{"docs":[', bodyScratch).written;
  const first = open();
  let at = first;
  for (const d of docs) {
    const head = JSON.stringify({ doc_id: d.id, external_id: d.externalId ?? undefined });
    // Room for a comma, the head in UTF-8 (≤ 3 bytes a character), the vector and `]}`.
    const room = at + 1 + 3 * head.length + 10 + vectorJsonMaxBytes(d.vector.length) + 3;
    if (room > bodyScratch.length) {
      const grown = new Uint8Array(Math.max(room, bodyScratch.length * 2));
      grown.set(bodyScratch.subarray(0, at));
      bodyScratch = grown;
    }
    const out = bodyScratch;
    const start = at;
    if (at > first) out[at++] = 44; // ,
    at += encoder.encodeInto(head.slice(0, -1), out.subarray(at)).written;
    at += encoder.encodeInto(',"vector":', out.subarray(at)).written;
    at = writeVectorJson(out, at, d.vector);
    out[at++] = 125; // }
    if (start > first && at + 2 > maxBytes) {
      // This document goes first into the next body: close this one before it.
      bodies.push(closedBody(start));
      out.copyWithin(first, start + 1, at);
      at = first + at - start - 1;
    }
  }
  if (at > first) bodies.push(closedBody(at));
  return bodies;
}

const encoder = new TextEncoder();
/** Where batchBodies writes (kept: a fresh 2 MiB for each body cost more than copying it out). */
let bodyScratch = new Uint8Array(1 << 16);

/** A copy of the scratch's first `at` bytes with `]}` after them. */
function closedBody(at: number): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(at + 2);
  body.set(bodyScratch.subarray(0, at));
  body[at] = 93; // ]
  body[at + 1] = 125; // }
  return body;
}

function collectionInfo(raw: unknown): CollectionInfo {
  const c = raw as Record<string, unknown>;
  if (typeof c.collection_id !== "string") throw invalid("collection", "collection_id");
  return {
    id: c.collection_id,
    name: String(c.name ?? ""),
    dimension: Number(c.dimension),
    metric: String(c.metric) as Metric,
    documentCount: Number(c.document_count ?? 0),
  };
}

function invalid(what: string, field: string): TargetError {
  return new TargetError("invalid_response", `${what}: response lacks ${field}`);
}
