/** A vector database under benchmark, driven over its own REST API. */
export interface BenchPeer {
  name: string;
  /** Server process id (for RSS). */
  pid(): number;
  /** Creates collection `name` (cosine, `dim`). */
  createCollection(name: string, dim: number): Promise<void>;
  /** Bulk-loads rows `from..from+n` of `vectors` into `name` (ids are row numbers). */
  addBatch(
    name: string,
    vectors: Float32Array,
    dim: number,
    from: number,
    n: number,
  ): Promise<void>;
  /** Adds one row through the single-document path. */
  addOne(name: string, row: number, vector: Float32Array): Promise<void>;
  /** Resolves once everything loaded is indexed (searchable at full speed). */
  waitIndexed(): Promise<void>;
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

/** POSTs a JSON string and returns the parsed response; throws on a non-2xx status. */
export async function postJson(url: string, body: string): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} → ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}
