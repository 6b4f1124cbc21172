import { HttpClient, JsonText } from "./http_client.ts";
import type { TransportKind } from "./http_transport.ts";
import type {
  AuditEntry,
  FaultSetting,
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
import { vectorText } from "./vector_text.ts";

/**
 * Adapter for any server speaking the AkiDB 2.0 REST API (a real AkiDB or the reference server).
 * Tolerates AkiDB's plain-text errors; extensions are used only when GET /api/v1/capabilities
 * advertises them (a 404 there means none).
 */
export class AkidbTarget implements ScenarioTarget {
  readonly name: string = "akidb";
  readonly url: string;
  readonly metricsUrl: string;
  readonly http: HttpClient;
  #features: Promise<Capabilities & { batch_insert: boolean }> | null = null;

  /** `transport`: akibench's HTTP/1.1 pool (default, http:// only) or Deno's fetch. */
  constructor(url: string, readonly adminKey?: string, transport?: TransportKind) {
    this.http = new HttpClient(url, adminKey, transport);
    this.url = this.http.baseUrl;
    this.metricsUrl = `${this.url}/metrics`;
  }

  async version(): Promise<string> {
    const [status, body] = await this.http.call("GET", "/admin/health", undefined, {
      accept: [401, 403, 404],
    });
    const v = status === 200 ? (body as { version?: unknown })?.version : undefined;
    return typeof v === "string" ? v : "unknown";
  }

  async capabilities(): Promise<Capabilities> {
    const { batch_insert: _, ...caps } = await this.features();
    return caps;
  }

  features(): Promise<Capabilities & { batch_insert: boolean }> {
    this.#features ??= this.http.call("GET", "/api/v1/capabilities", undefined, {
      accept: [404, 501],
    }).then(([status, body]) => {
      const b = (status === 200 && body && typeof body === "object" ? body : {}) as Record<
        string,
        unknown
      >;
      return {
        tiering: b.tiering === true,
        tenancy: b.tenancy === true,
        audit: b.audit === true,
        faults: b.faults === true,
        batch_insert: b.batch_insert === true,
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
    const components = (body as { components?: { index?: { pending_vectors?: unknown } } })
      ?.components;
    const pending = components?.index?.pending_vectors;
    return status === 200 && typeof pending === "number" ? pending : null;
  }

  async createCollection(spec: CollectionSpec, ctx?: RequestContext): Promise<string> {
    const [, body] = await this.http.call("POST", "/api/v1/collections", {
      name: spec.name,
      dimension: spec.dimension,
      metric: spec.metric,
    }, ctx);
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

  async insertBatch(collectionId: string, docs: Document[], ctx?: RequestContext): Promise<void> {
    await this.http.call("POST", `/api/v1/collections/${collectionId}/insert_batch`, {
      docs: docs.map((d) => ({
        doc_id: d.id,
        external_id: d.externalId ?? undefined,
        vector: Array.from(d.vector),
      })),
    }, ctx);
  }

  async search(
    collectionId: string,
    vector: Float32Array,
    k: number,
    ctx?: RequestContext,
  ): Promise<SearchHit[]> {
    const path = `/api/v1/collections/${collectionId}/query`;
    const request = new JsonText(`{"query_vector":${vectorText(vector)},"top_k":${k}}`);
    const [, body] = await this.http.call("POST", path, request, ctx);
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
