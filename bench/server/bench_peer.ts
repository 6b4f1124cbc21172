import { Http1Pool } from "../../src/targets/http1_pool.ts";

/** A vector database under benchmark, driven over its own REST API. */
export interface BenchPeer {
  name: string;
  /** Server process id (for RSS). */
  pid(): number;
  /** Creates collection `name` (cosine, `dim`). */
  createCollection(name: string, dim: number): Promise<void>;
  /** Loads documents `from..from+n` (ids are those numbers) with vectors `vectorOf(id)`. */
  addBatch(
    name: string,
    from: number,
    n: number,
    vectorOf: (id: number) => Float32Array,
  ): Promise<void>;
  /** Adds one row through the single-document path. */
  addOne(name: string, row: number, vector: Float32Array): Promise<void>;
  /** Resolves once everything loaded is indexed (searchable at full speed). */
  waitIndexed(): Promise<void>;
  /** Sets the HNSW search beam width of every search from now on, where the peer can. */
  setEfSearch?(ef: number): Promise<void>;
  /** Row ids of the `k` nearest neighbours of `query`, best first. */
  query(name: string, query: Float32Array, k: number): Promise<number[]>;
  close(): Promise<void>;
}

const jsonCache = new WeakMap<Float32Array, string>();

/** A JSON array literal of a float32 vector (memoised per array object, so reused queries cost
 * the load generator nothing). */
export function vectorJson(v: Float32Array): string {
  let json = jsonCache.get(v);
  if (json === undefined) {
    json = `[${Array.prototype.join.call(v, ",")}]`;
    jsonCache.set(v, json);
  }
  return json;
}

const pools = new Map<string, Http1Pool>();

/**
 * POSTs a JSON string and returns the parsed response; throws on a non-2xx status. Goes through
 * akibench's keep-alive HTTP/1.1 pool (the AkiDB adapter's transport), which costs the client a
 * third of fetch's CPU: client and server share the two cores, so the client's CPU shows up in
 * the server's latency. Both peers are driven the same way.
 */
export async function postJson(url: string, body: string): Promise<unknown> {
  const { origin, pathname, search } = new URL(url);
  let pool = pools.get(origin);
  if (!pool) pools.set(origin, pool = new Http1Pool(origin));
  const res = await pool.send("POST", pathname + search, JSON_HEADERS, body);
  if (res.status < 200 || res.status > 299) {
    throw new Error(`POST ${url} → ${res.status}: ${res.text.slice(0, 300)}`);
  }
  return res.text ? JSON.parse(res.text) : null;
}

/** Closes the connections postJson keeps open (so the process can exit). */
export function closeConnections(): void {
  for (const pool of pools.values()) pool.close();
  pools.clear();
}

const JSON_HEADERS = { "content-type": "application/json" };
