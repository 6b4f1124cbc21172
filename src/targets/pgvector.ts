import postgres from "postgres";
import type { Metric } from "../dataset/metric.ts";
import type { EmbeddedProcess } from "./embedded_process.ts";
import { pgTargetError } from "./pg_error.ts";
import { PgSocket } from "./pg_socket.ts";
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
import { vectorText } from "./vector_text.ts";

/** Per metric: pgvector's distance operator, the HNSW operator class, distance → score. */
const METRIC_SQL: Record<Metric, { op: string; opclass: string; score: (d: number) => number }> = {
  // <=> is 1 − cos: the similarity is 1 − d.
  cosine: { op: "<=>", opclass: "vector_cosine_ops", score: (d) => 1 - d },
  // <-> is the Euclidean distance itself.
  l2: { op: "<->", opclass: "vector_l2_ops", score: (d) => d },
  // <#> is the negative inner product (so that smaller is nearer).
  dot: { op: "<#>", opclass: "vector_ip_ops", score: (d) => -d },
};

const CATALOG = "akibench_collections";

/**
 * pgvector's default hnsw.ef_search: an HNSW scan returns at most this many rows, so a top-k
 * search with k above it would come back short and its recall would be capped at 40/k.
 */
const DEFAULT_EF_SEARCH = 40;
/** A search of k sets hnsw.ef_search to max(40, EF_PER_K × k) for itself. */
const EF_PER_K = 2;

/** The SQL of one collection's table, prepared once per collection. */
interface CollectionSql {
  metric: Metric;
  /** The quoted table name. */
  table: string;
  search: string;
  insert: string;
  get: string;
  delete: string;
}

interface CatalogRow {
  id: string;
  name: string;
  dimension: number;
  metric: Metric;
  table_name: string;
}

export interface PgvectorOptions {
  /** Connections in the pool (the scenario's in-flight limit). */
  poolSize: number;
  /**
   * Cancel a statement whose deadline passed (off for PGlite: pglite-socket ignores cancel
   * requests, and postgres.js's cancel then stalls the connection's later statements).
   */
  cancel?: boolean;
}

/**
 * Adapter for PostgreSQL with pgvector through the `postgres` client: a catalog table of
 * collections and, per collection, a table (id uuid primary key, external_id text, embedding
 * vector(d)) with an HNSW index of the metric's operator class; searches are `ORDER BY embedding
 * <op> $1 LIMIT k`, with hnsw.ef_search max(40, 2k) so that k above 40 is not cut short. pgvector
 * answers distances; search turns them into the engine's scores
 * (similarity for cosine/dot, Euclidean distance for l2). A delete of an absent id is not an
 * error (SQL DELETE of no rows).
 */
export class PgvectorTarget implements ScenarioTarget {
  readonly name = "pgvector";
  readonly url: string;
  readonly pid?: number;
  readonly sql: postgres.Sql;
  readonly #cancel: boolean;
  readonly #collections = new Map<string, CollectionSql>();
  #version = "";

  private constructor(url: string, options: PgvectorOptions, readonly server?: EmbeddedProcess) {
    this.url = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
    this.pid = server?.pid;
    this.#cancel = options.cancel ?? true;
    this.sql = postgres(url, {
      ...(usesTls(url) ? {} : { socket: PgSocket.connect }),
      max: options.poolSize,
      prepare: true,
      connect_timeout: 10,
      onnotice: () => {},
      connection: { application_name: "akibench" },
    });
  }

  /**
   * Connects, makes sure pgvector (0.5.0 or later, for HNSW) and the catalog table exist and
   * reads the server's version. Unreachable, refused or without a usable pgvector: throws one
   * line naming the URL (password hidden).
   */
  static async connect(
    url: string,
    options: PgvectorOptions,
    server?: EmbeddedProcess,
  ): Promise<PgvectorTarget> {
    const target = new PgvectorTarget(url, options, server);
    const sql = target.sql;
    try {
      await sql`CREATE EXTENSION IF NOT EXISTS vector`;
      await sql`CREATE TABLE IF NOT EXISTS ${sql(CATALOG)} (
        id uuid PRIMARY KEY, name text UNIQUE NOT NULL, dimension int NOT NULL,
        metric text NOT NULL, table_name text NOT NULL)`;
      const [row] = await sql<{ version: string; pgvector: string | null }[]>`
        SELECT version() AS version,
          (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS pgvector`;
      const [major, minor] = (row.pgvector ?? "0.0").split(".").map(Number);
      if (major === 0 && minor < 5) {
        throw new Error(
          `pgvector ${row.pgvector} has no HNSW index (akibench needs 0.5.0 or later)`,
        );
      }
      target.#version = `${row.version.split(" on ")[0]}, pgvector ${row.pgvector}`;
      return target;
    } catch (err) {
      await target.close();
      const message = err instanceof Error && !("code" in err)
        ? err.message
        : pgTargetError("connect", err).message;
      throw new Error(`${target.url}: ${message}`);
    }
  }

  version(): Promise<string> {
    return Promise.resolve(this.#version);
  }

  capabilities(): Promise<Capabilities> {
    return Promise.resolve({ ...NO_EXTENSIONS });
  }

  features(): Promise<Capabilities & { batch_insert: boolean }> {
    return Promise.resolve({ ...NO_EXTENSIONS, batch_insert: true });
  }

  async healthy(): Promise<boolean> {
    try {
      await this.#run("health check", this.sql`SELECT 1`, AbortSignal.timeout(5000));
      return true;
    } catch {
      return false;
    }
  }

  exitReport(): Promise<string | null> {
    return this.server?.exitReport() ?? Promise.resolve(null);
  }

  async createCollection(spec: CollectionSpec, ctx?: RequestContext): Promise<string> {
    const id = crypto.randomUUID();
    const table = `akibench_c_${id.replaceAll("-", "")}`;
    const { opclass } = METRIC_SQL[spec.metric];
    if (!Number.isInteger(spec.dimension) || spec.dimension < 1) {
      throw new TargetError("http_4xx", `create collection: dimension ${spec.dimension}`);
    }
    await this.#run(
      `create collection ${spec.name}`,
      this.sql.begin(async (sql) => {
        await sql`INSERT INTO ${sql(CATALOG)} VALUES (${id}, ${spec.name}, ${spec.dimension},
          ${spec.metric}, ${table})`;
        await sql`CREATE TABLE ${sql(table)} (id uuid PRIMARY KEY, external_id text,
          embedding vector(${sql.unsafe(String(spec.dimension))}) NOT NULL)`;
        await sql`CREATE INDEX ON ${sql(table)} USING hnsw (embedding ${sql.unsafe(opclass)})`;
      }),
      ctx?.signal,
    );
    return id;
  }

  async deleteCollection(id: string, ctx?: RequestContext): Promise<void> {
    const row = await this.#catalogRow(id, ctx);
    if (!row) throw new TargetError("http_4xx", `delete collection ${id}: no such collection`);
    await this.#run(
      `delete collection ${id}`,
      this.sql.begin(async (sql) => {
        await sql`DROP TABLE IF EXISTS ${sql(row.table_name)}`;
        await sql`DELETE FROM ${sql(CATALOG)} WHERE id = ${id}`;
      }),
      ctx?.signal,
    );
    this.#collections.delete(id);
  }

  async listCollections(ctx?: RequestContext): Promise<CollectionInfo[]> {
    const rows = await this.#run(
      "list collections",
      this.sql<CatalogRow[]>`SELECT * FROM ${this.sql(CATALOG)} ORDER BY name`,
      ctx?.signal,
    );
    return await Promise.all(rows.map((r) => this.#info(r, ctx)));
  }

  async getCollection(id: string, ctx?: RequestContext): Promise<CollectionInfo | null> {
    const row = await this.#catalogRow(id, ctx);
    return row ? await this.#info(row, ctx) : null;
  }

  async insert(collectionId: string, doc: Document, ctx?: RequestContext): Promise<void> {
    const c = await this.#collection(collectionId, ctx);
    await this.#run(
      `insert into ${collectionId}`,
      this.sql.unsafe(c.insert, [doc.id, doc.externalId ?? null, vectorText(doc.vector)], {
        prepare: true,
      }),
      ctx?.signal,
    );
  }

  async insertBatch(collectionId: string, docs: Document[], ctx?: RequestContext): Promise<void> {
    const c = await this.#collection(collectionId, ctx);
    const rows = docs.map((d) => ({
      id: d.id,
      external_id: d.externalId ?? null,
      embedding: vectorText(d.vector),
    }));
    await this.#run(
      `insert ${docs.length} into ${collectionId}`,
      this.sql`INSERT INTO ${this.sql.unsafe(c.table)} ${
        this.sql(rows, "id", "external_id", "embedding")
      }`,
      ctx?.signal,
    );
  }

  async search(
    collectionId: string,
    vector: Float32Array,
    k: number,
    ctx?: RequestContext,
  ): Promise<SearchHit[]> {
    const c = await this.#collection(collectionId, ctx);
    type Row = { id: string; external_id: string | null; d: number };
    const params = [vectorText(vector), k];
    const ef = efSearch(k);
    // Up to k = 20 the default ef_search serves: one statement. Beyond, SET LOCAL scopes the
    // larger ef_search to this search's transaction (four round trips, a pooled connection's
    // setting left as it was).
    const rows = await this.#run(
      `search ${collectionId}`,
      ef === DEFAULT_EF_SEARCH
        ? this.sql.unsafe<Row[]>(c.search, params, { prepare: true })
        : this.sql.begin(async (tx) => {
          await tx.unsafe(`SET LOCAL hnsw.ef_search = ${ef}`);
          return await tx.unsafe<Row[]>(c.search, params, { prepare: true });
        }),
      ctx?.signal,
    );
    const score = METRIC_SQL[c.metric].score;
    return rows.map((r) => ({ id: r.id, externalId: r.external_id, score: score(r.d) }));
  }

  /** The SQL of a search ($1 the vector's text, $2 k): what bench/adapter_cpu.ts sends bare. */
  async searchSql(collectionId: string): Promise<string> {
    return (await this.#collection(collectionId)).search;
  }

  async get(collectionId: string, docId: string, ctx?: RequestContext): Promise<Document | null> {
    const c = await this.#collection(collectionId, ctx);
    const [row] = await this.#run(
      `get ${docId} from ${collectionId}`,
      this.sql.unsafe<{ id: string; external_id: string | null; embedding: string }[]>(
        c.get,
        [docId],
        { prepare: true },
      ),
      ctx?.signal,
    );
    if (!row) return null;
    return { id: row.id, externalId: row.external_id, vector: parseVector(row.embedding) };
  }

  async delete(collectionId: string, docId: string, ctx?: RequestContext): Promise<void> {
    const c = await this.#collection(collectionId, ctx);
    await this.#run(
      `delete ${docId} from ${collectionId}`,
      this.sql.unsafe(c.delete, [docId], { prepare: true }),
      ctx?.signal,
    );
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
    await this.server?.stop();
  }

  /** The collection's statements, from the catalog on first use. */
  async #collection(id: string, ctx?: RequestContext): Promise<CollectionSql> {
    const known = this.#collections.get(id);
    if (known) return known;
    const row = await this.#catalogRow(id, ctx);
    if (!row) throw new TargetError("http_4xx", `collection ${id}: no such collection`);
    const t = `"${row.table_name}"`;
    const { op } = METRIC_SQL[row.metric];
    const c: CollectionSql = {
      metric: row.metric,
      table: t,
      search: `SELECT id, external_id, embedding ${op} $1::vector AS d FROM ${t} ` +
        `ORDER BY embedding ${op} $1::vector LIMIT $2`,
      insert: `INSERT INTO ${t} (id, external_id, embedding) VALUES ($1, $2, $3::vector)`,
      get: `SELECT id, external_id, embedding::text AS embedding FROM ${t} WHERE id = $1`,
      delete: `DELETE FROM ${t} WHERE id = $1`,
    };
    this.#collections.set(id, c);
    return c;
  }

  async #catalogRow(id: string, ctx?: RequestContext): Promise<CatalogRow | null> {
    // A malformed id names no collection (rather than failing the uuid cast).
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const [row] = await this.#run(
      `collection ${id}`,
      this.sql<CatalogRow[]>`SELECT * FROM ${this.sql(CATALOG)} WHERE id = ${id}`,
      ctx?.signal,
    );
    return row ?? null;
  }

  async #info(row: CatalogRow, ctx?: RequestContext): Promise<CollectionInfo> {
    const [{ n }] = await this.#run(
      `count ${row.id}`,
      this.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM ${this.sql(row.table_name)}`,
      ctx?.signal,
    );
    return {
      id: row.id,
      name: row.name,
      dimension: row.dimension,
      metric: row.metric,
      documentCount: n,
    };
  }

  /**
   * Awaits a statement, failing with "timeout" as soon as `signal` fires (the statement is
   * cancelled too where the server supports it; a statement whose deadline passed before it
   * was sent is never sent: postgres.js runs a query once it is awaited) and with a classified
   * TargetError when Postgres refuses it.
   */
  async #run<T>(
    what: string,
    query: Promise<T> & { cancel?: () => void },
    signal?: AbortSignal,
  ): Promise<T> {
    if (!signal) {
      try {
        return await query;
      } catch (err) {
        throw pgTargetError(what, err);
      }
    }
    if (signal.aborted) throw new TargetError("timeout", `${what}: deadline passed before sending`);
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        if (this.#cancel) query.cancel?.();
        reject(new TargetError("timeout", `${what}: no answer before the deadline`));
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([query, aborted]);
    } catch (err) {
      query.catch(() => {});
      throw pgTargetError(what, err);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }
}

/** The hnsw.ef_search a search of k uses. */
export function efSearch(k: number): number {
  return Math.max(DEFAULT_EF_SEARCH, EF_PER_K * k);
}

/** Whether the URL asks for TLS (then postgres.js keeps its own node:net/tls socket). */
function usesTls(url: string): boolean {
  const mode = new URL(url).searchParams.get("sslmode") ?? new URL(url).searchParams.get("ssl");
  return mode !== null && mode !== "disable" && mode !== "false";
}

function parseVector(text: string): Float32Array {
  return Float32Array.from(text.slice(1, -1).split(","), Number);
}
