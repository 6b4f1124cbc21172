import { startPglite } from "../../src/targets/pglite_embedded.ts";
import type { PgvectorTarget } from "../../src/targets/pgvector.ts";
import { type BenchPeer, vectorJson } from "./bench_peer.ts";

/** Rows per INSERT of a bulk load (3 parameters a row, far below Postgres's 65,535). */
const LOAD_ROWS = 500;

/**
 * PostgreSQL with pgvector as akibench's `--target pgvector` starts it (PGlite 0.5.14 with
 * pgvector behind pglite-socket, one wire-protocol connection through the `postgres` client):
 * per collection a table (id int primary key, embedding vector(d)) with an HNSW index
 * (vector_cosine_ops, pgvector's defaults m 16, ef_construction 64) built as rows arrive, as the
 * adapter does; searches are `ORDER BY embedding <=> $1 LIMIT k` with the session's
 * hnsw.ef_search (pgvector's default 40, or `efSearch`).
 */
export class PgvectorPeer implements BenchPeer {
  readonly name = "pgvector";

  private constructor(readonly target: PgvectorTarget) {}

  static async start(efSearch?: number): Promise<PgvectorPeer> {
    const peer = new PgvectorPeer(await startPglite());
    if (efSearch !== undefined) await peer.setEfSearch(efSearch);
    return peer;
  }

  /** One connection (startPglite's pool of 1): a session setting holds for every search. */
  async setEfSearch(ef: number): Promise<void> {
    await this.target.sql.unsafe(`SET hnsw.ef_search = ${Math.trunc(ef)}`);
  }

  pid(): number {
    return this.target.pid!;
  }

  /** The server's version, hnsw.ef_search and how Postgres plans a search (an HNSW index scan?). */
  async describe(name: string, query: Float32Array): Promise<string> {
    const sql = this.target.sql;
    const plan = await sql.unsafe<{ "QUERY PLAN": string }[]>(
      `EXPLAIN (COSTS OFF) SELECT id FROM ${
        table(name)
      } ORDER BY embedding <=> $1::vector LIMIT 10`,
      [vectorJson(query)],
    );
    const [{ ef }] = await sql<{ ef: string }[]>`SELECT current_setting('hnsw.ef_search') AS ef`;
    // The plan's lines without the Order By line, which spells out the whole query vector.
    const steps = plan.map((r) => r["QUERY PLAN"].trim()).filter((l) => !l.startsWith("Order By"));
    return `${await this.target.version()}; hnsw.ef_search ${ef}; plan: ${steps.join(" / ")}`;
  }

  async createCollection(name: string, dim: number): Promise<void> {
    const sql = this.target.sql;
    await sql.unsafe(
      `CREATE TABLE ${table(name)} (id int PRIMARY KEY, embedding vector(${dim}) NOT NULL)`,
    );
    await sql.unsafe(`CREATE INDEX ON ${table(name)} USING hnsw (embedding vector_cosine_ops)`);
  }

  async addBatch(
    name: string,
    from: number,
    n: number,
    vectorOf: (id: number) => Float32Array,
  ): Promise<void> {
    const sql = this.target.sql;
    for (let start = from; start < from + n; start += LOAD_ROWS) {
      const rows = [];
      for (let id = start; id < Math.min(from + n, start + LOAD_ROWS); id++) {
        rows.push({ id, embedding: vectorJson(vectorOf(id)) });
      }
      await sql`INSERT INTO ${sql.unsafe(table(name))} ${sql(rows, "id", "embedding")}`;
    }
  }

  async addOne(name: string, row: number, vector: Float32Array): Promise<void> {
    await this.target.sql.unsafe(
      `INSERT INTO ${table(name)} (id, embedding) VALUES ($1, $2::vector)`,
      [row, vectorJson(vector)],
      { prepare: true },
    );
  }

  async waitIndexed(): Promise<void> {}

  async query(name: string, query: Float32Array, k: number): Promise<number[]> {
    const rows = await this.target.sql.unsafe<{ id: number }[]>(
      `SELECT id FROM ${table(name)} ORDER BY embedding <=> $1::vector LIMIT $2`,
      [vectorJson(query), k],
      { prepare: true },
    );
    return rows.map((r) => r.id);
  }

  async close(): Promise<void> {
    await this.target.close();
  }
}

function table(name: string): string {
  return `"bench_${name}"`;
}
