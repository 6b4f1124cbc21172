import type { Metric } from "../dataset/metric.ts";
import type { EmbeddedProcess } from "./embedded_process.ts";
import { HttpClient, JsonText } from "./http_client.ts";
import type { ScenarioTarget } from "./scenario_target.ts";
import {
  type Capabilities,
  type CollectionInfo,
  type CollectionSpec,
  type Document,
  NO_EXTENSIONS,
  type RequestContext,
  type SearchHit,
  TargetError,
} from "./target.ts";
import { vectorBody } from "./vector_text.ts";

export const CHROMA_DEFAULT_TENANT = "default_tenant";
export const CHROMA_DEFAULT_DATABASE = "default_database";

/** Chroma's HNSW spaces for akibench's metrics. */
const SPACES: Record<Metric, string> = { cosine: "cosine", l2: "l2", dot: "ip" };
const LIST_PAGE = 1000;

/** Where a Chroma server keeps the collections akibench uses. */
export interface ChromaPlace {
  tenant?: string;
  database?: string;
}

/**
 * Adapter for Chroma 1.x over its v2 REST API, through akibench's own HTTP/1.1 pool (the AkiDB
 * adapter's transport, so both are timed alike). A collection's id is Chroma's UUID; the
 * document's external id is kept as metadata `external_id`. Chroma answers distances (1 − cos
 * for cosine, squared Euclidean for l2, 1 − dot for ip); search converts them to the engine's
 * scores: the similarity for cosine/dot, the Euclidean distance for l2. Chroma ignores an add
 * whose id exists (the first vector stays) and a delete of an absent id; neither is an error.
 */
export class ChromaTarget implements ScenarioTarget {
  readonly name = "chroma";
  readonly url: string;
  readonly pid?: number;
  readonly http: HttpClient;
  readonly #base: string;
  /** Collection name per id: Chroma reads and deletes a collection by name, writes by id. */
  readonly #names = new Map<string, string>();
  /** Metric per collection id, for turning distances into scores. */
  readonly #metrics = new Map<string, Metric>();

  /** `server`: the embedded Chroma process this target stops on close(). */
  constructor(
    url: string,
    place: ChromaPlace = {},
    readonly server?: EmbeddedProcess,
    readonly serverVersion?: string,
  ) {
    this.http = new HttpClient(url);
    this.url = this.http.baseUrl;
    this.pid = server?.pid;
    const tenant = encodeURIComponent(place.tenant ?? CHROMA_DEFAULT_TENANT);
    const database = encodeURIComponent(place.database ?? CHROMA_DEFAULT_DATABASE);
    this.#base = `/api/v2/tenants/${tenant}/databases/${database}`;
  }

  /**
   * Connects to a running Chroma and checks it speaks API v2 as Chroma 1.x; anything else
   * (unreachable, an older Chroma) throws with one line naming the URL.
   */
  static async connect(url: string, place: ChromaPlace = {}): Promise<ChromaTarget> {
    const target = new ChromaTarget(url, place);
    try {
      const version = await target.version();
      if (!/^1\./.test(version)) {
        throw new Error(`${url} runs Chroma ${version}; akibench drives Chroma 1.x (API v2)`);
      }
      await target.http.call("GET", target.#base, undefined, {
        signal: AbortSignal.timeout(10_000),
      });
      return target;
    } catch (err) {
      await target.close();
      const message = (err as Error).message;
      throw new Error(message.startsWith(url) ? message : `${url}: ${message}`);
    }
  }

  async version(): Promise<string> {
    const [, body] = await this.http.call("GET", "/api/v2/version", undefined, {
      signal: AbortSignal.timeout(10_000),
    });
    if (typeof body !== "string") throw invalid("GET /api/v2/version", "a version string");
    return this.serverVersion ? `${body} (${this.serverVersion})` : body;
  }

  capabilities(): Promise<Capabilities> {
    return Promise.resolve({ ...NO_EXTENSIONS });
  }

  features(): Promise<Capabilities & { batch_insert: boolean }> {
    return Promise.resolve({ ...NO_EXTENSIONS, batch_insert: true });
  }

  async healthy(): Promise<boolean> {
    try {
      const [status] = await this.http.call("GET", "/api/v2/heartbeat", undefined, {
        signal: AbortSignal.timeout(5000),
      });
      return status === 200;
    } catch {
      return false;
    }
  }

  exitReport(): Promise<string | null> {
    return this.server?.exitReport() ?? Promise.resolve(null);
  }

  async createCollection(spec: CollectionSpec, ctx?: RequestContext): Promise<string> {
    const [, body] = await this.http.call("POST", `${this.#base}/collections`, {
      name: spec.name,
      configuration: { hnsw: { space: SPACES[spec.metric] } },
      // Chroma learns the dimension from the first add; the metadata keeps it for listing.
      metadata: { akibench_dimension: spec.dimension },
    }, ctx);
    const id = (body as { id?: unknown })?.id;
    if (typeof id !== "string") throw invalid(`POST ${this.#base}/collections`, "id");
    this.#names.set(id, spec.name);
    this.#metrics.set(id, spec.metric);
    return id;
  }

  async deleteCollection(id: string, ctx?: RequestContext): Promise<void> {
    const name = this.#names.get(id) ?? (await this.#find(id, ctx))?.name;
    if (name === undefined) {
      throw new TargetError("http_4xx", `DELETE collection ${id}: no such collection`, 404);
    }
    await this.http.call(
      "DELETE",
      `${this.#base}/collections/${encodeURIComponent(name)}`,
      undefined,
      ctx,
    );
    this.#names.delete(id);
    this.#metrics.delete(id);
  }

  async listCollections(ctx?: RequestContext): Promise<CollectionInfo[]> {
    const list: CollectionInfo[] = [];
    for (let offset = 0;; offset += LIST_PAGE) {
      const path = `${this.#base}/collections?limit=${LIST_PAGE}&offset=${offset}`;
      const [, body] = await this.http.call("GET", path, undefined, ctx);
      if (!Array.isArray(body)) throw invalid(`GET ${path}`, "a list of collections");
      for (const raw of body) list.push(await this.#info(raw, path, ctx));
      if (body.length < LIST_PAGE) return list;
    }
  }

  async getCollection(id: string, ctx?: RequestContext): Promise<CollectionInfo | null> {
    const found = await this.#find(id, ctx);
    return found ? await this.#info(found.raw, "collection", ctx) : null;
  }

  async insert(collectionId: string, doc: Document, ctx?: RequestContext): Promise<void> {
    await this.insertBatch(collectionId, [doc], ctx);
  }

  async insertBatch(collectionId: string, docs: Document[], ctx?: RequestContext): Promise<void> {
    const withExternal = docs.some((d) => d.externalId != null);
    await this.http.call("POST", `${this.#collection(collectionId)}/add`, {
      ids: docs.map((d) => d.id),
      embeddings: docs.map((d) => Array.from(d.vector)),
      ...(withExternal
        ? {
          metadatas: docs.map((d) => (d.externalId != null ? { external_id: d.externalId } : null)),
        }
        : {}),
    }, ctx);
  }

  /** The path and JSON body (bytes) of a search: what bench/adapter_cpu.ts sends bare. */
  searchRequest(
    collectionId: string,
    vector: Float32Array,
    k: number,
  ): { path: string; body: Uint8Array<ArrayBuffer> } {
    return {
      path: `${this.#collection(collectionId)}/query`,
      body: vectorBody(
        vector,
        `chroma ${k}`,
        (text) =>
          `{"query_embeddings":[${text}],"n_results":${k},"include":["distances","metadatas"]}`,
      ),
    };
  }

  async search(
    collectionId: string,
    vector: Float32Array,
    k: number,
    ctx?: RequestContext,
  ): Promise<SearchHit[]> {
    const { path, body: request } = this.searchRequest(collectionId, vector, k);
    const metric = this.#metrics.get(collectionId) ??
      (await this.getCollection(collectionId, ctx))?.metric;
    if (metric === undefined) {
      throw new TargetError("http_4xx", `POST ${path}: no such collection`, 404);
    }
    const [, body] = await this.http.call("POST", path, new JsonText(request), ctx);
    const b = body as { ids?: unknown; distances?: unknown; metadatas?: unknown };
    const ids = Array.isArray(b?.ids) ? b.ids[0] : undefined;
    const distances = Array.isArray(b?.distances) ? b.distances[0] : undefined;
    const metadatas = Array.isArray(b?.metadatas) ? b.metadatas[0] : undefined;
    if (!Array.isArray(ids) || !Array.isArray(distances) || ids.length !== distances.length) {
      throw invalid(`POST ${path}`, "ids[0] and distances[0]");
    }
    return ids.map((id, i) => {
      const d = distances[i];
      if (typeof id !== "string" || typeof d !== "number") {
        throw invalid(`POST ${path}`, "string ids and numeric distances");
      }
      return { id, externalId: externalIdOf(metadatas?.[i]), score: scoreOf(metric, d) };
    });
  }

  async get(collectionId: string, docId: string, ctx?: RequestContext): Promise<Document | null> {
    const path = `${this.#collection(collectionId)}/get`;
    const [, body] = await this.http.call("POST", path, {
      ids: [docId],
      include: ["embeddings", "metadatas"],
    }, ctx);
    const b = body as { ids?: unknown; embeddings?: unknown; metadatas?: unknown };
    if (!Array.isArray(b?.ids)) throw invalid(`POST ${path}`, "ids");
    const at = b.ids.indexOf(docId);
    if (at < 0) return null;
    const embedding = Array.isArray(b.embeddings) ? b.embeddings[at] : undefined;
    if (!Array.isArray(embedding)) throw invalid(`POST ${path}`, "embeddings");
    const metadata = Array.isArray(b.metadatas) ? b.metadatas[at] : undefined;
    return { id: docId, externalId: externalIdOf(metadata), vector: Float32Array.from(embedding) };
  }

  async delete(collectionId: string, docId: string, ctx?: RequestContext): Promise<void> {
    await this.http.call("POST", `${this.#collection(collectionId)}/delete`, { ids: [docId] }, ctx);
  }

  async close(): Promise<void> {
    this.http.close();
    await this.server?.stop();
  }

  #collection(id: string): string {
    return `${this.#base}/collections/${encodeURIComponent(id)}`;
  }

  /**
   * The raw entry of collection `id`, or null: read by its name when this target knows it (one
   * request), else found in the listing.
   */
  async #find(id: string, ctx?: RequestContext): Promise<{ name: string; raw: unknown } | null> {
    const known = this.#names.get(id);
    if (known !== undefined) {
      const path = `${this.#base}/collections/${encodeURIComponent(known)}`;
      const [status, raw] = await this.http.call("GET", path, undefined, { ...ctx, accept: [404] });
      if (status !== 404 && (raw as { id?: unknown })?.id === id) return { name: known, raw };
      this.#names.delete(id);
    }
    for (let offset = 0;; offset += LIST_PAGE) {
      const path = `${this.#base}/collections?limit=${LIST_PAGE}&offset=${offset}`;
      const [, body] = await this.http.call("GET", path, undefined, ctx);
      if (!Array.isArray(body)) throw invalid(`GET ${path}`, "a list of collections");
      const raw = body.find((c) => c?.id === id);
      if (raw) {
        if (typeof raw.name !== "string") throw invalid(`GET ${path}`, "name");
        this.#names.set(id, raw.name);
        return { name: raw.name, raw };
      }
      if (body.length < LIST_PAGE) return null;
    }
  }

  async #info(raw: unknown, what: string, ctx?: RequestContext): Promise<CollectionInfo> {
    const c = raw as Record<string, unknown>;
    if (typeof c?.id !== "string" || typeof c.name !== "string") throw invalid(what, "id/name");
    const space = (c.configuration_json as { hnsw?: { space?: unknown } } | null)?.hnsw?.space;
    const metric = (Object.keys(SPACES) as Metric[]).find((m) => SPACES[m] === space);
    if (metric === undefined) throw invalid(what, `a known hnsw space (got ${space})`);
    const declared = (c.metadata as Record<string, unknown> | null)?.akibench_dimension;
    const [, count] = await this.http.call(
      "GET",
      `${this.#collection(c.id)}/count`,
      undefined,
      ctx,
    );
    if (typeof count !== "number") throw invalid(`GET ${this.#collection(c.id)}/count`, "a count");
    this.#names.set(c.id, c.name);
    this.#metrics.set(c.id, metric);
    return {
      id: c.id,
      name: c.name,
      dimension: Number(c.dimension ?? declared ?? 0),
      metric,
      documentCount: count,
    };
  }
}

/**
 * The engine's score from Chroma's distance: cosine 1 − d (d = 1 − cos), dot 1 − d (d = 1 − dot),
 * l2 √d (d is the squared Euclidean distance).
 */
export function scoreOf(metric: Metric, distance: number): number {
  return metric === "l2" ? Math.sqrt(Math.max(0, distance)) : 1 - distance;
}

function externalIdOf(metadata: unknown): string | null {
  const e = (metadata as Record<string, unknown> | null | undefined)?.external_id;
  return typeof e === "string" ? e : null;
}

function invalid(what: string, field: string): TargetError {
  return new TargetError("invalid_response", `${what}: response lacks ${field}`);
}
