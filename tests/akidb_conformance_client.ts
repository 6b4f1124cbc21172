import type { ConformanceRow, Expected, Shape } from "./fixtures/akidb_conformance.ts";

/** What a server answered to one conformance row. */
export interface Observed {
  status: number;
  contentType: string;
  text: string;
}

/** The ids a row's placeholders stand for on one server. */
export interface Fixture {
  cid: string;
  cos: string;
  big: string;
  doc: string;
  missing: string;
}

let fresh = 0;

/** The row's path and body with its placeholders filled in. */
function filled(row: ConformanceRow, fixture: Fixture): { path: string; body?: string } {
  const newDoc = `0190a0b0-0000-7000-8000-${(0xc0000 + ++fresh).toString(16).padStart(12, "0")}`;
  const fill = (text: string) =>
    text.replaceAll("{cid}", fixture.cid).replaceAll("{CID}", fixture.cid.toUpperCase())
      .replaceAll("{cid32}", fixture.cid.replaceAll("-", "")).replaceAll("{cos}", fixture.cos)
      .replaceAll("{big}", fixture.big).replaceAll("{doc}", fixture.doc)
      .replaceAll("{missing}", fixture.missing).replaceAll("{new}", newDoc);
  const body = row.body === undefined
    ? undefined
    : fill(typeof row.body === "string" ? row.body : JSON.stringify(row.body));
  return { path: fill(row.path), body };
}

/** Sends one row to the server at `url`. */
export async function send(url: string, row: ConformanceRow, fixture: Fixture): Promise<Observed> {
  const { path, body } = filled(row, fixture);
  const contentType = row.contentType ?? "application/json";
  if (row.declaredBytes !== undefined) return await declared(url, row, path, contentType);
  const res = await fetch(url + path, {
    method: row.method,
    headers: body === undefined ? {} : { "content-type": contentType },
    body,
  });
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    text: await res.text(),
  };
}

/** A request declaring `row.declaredBytes` of body and sending one byte (raw socket). */
async function declared(
  url: string,
  row: ConformanceRow,
  path: string,
  contentType: string,
): Promise<Observed> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(url).port) });
  try {
    await conn.write(new TextEncoder().encode(
      `${row.method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\n` +
        `Content-Length: ${row.declaredBytes}\r\n\r\n{`,
    ));
    let answer = "";
    const buffer = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      answer += new TextDecoder().decode(buffer.subarray(0, n));
      const end = answer.indexOf("\r\n\r\n");
      if (end < 0) continue;
      const length = Number(/content-length: (\d+)/i.exec(answer.slice(0, end))?.[1] ?? 0);
      if (answer.length - end - 4 >= length) break;
    }
    const [head, rest = ""] = answer.split("\r\n\r\n");
    return {
      status: Number(/^HTTP\/1.1 (\d+)/.exec(head)?.[1]),
      contentType: /content-type: ([^\r]+)/i.exec(head)?.[1] ?? "",
      text: rest,
    };
  } finally {
    conn.close();
  }
}

/** Where `value` departs from `shape` (JSON path and reason), or null. */
export function shapeMismatch(value: unknown, shape: Shape, at = "$"): string | null {
  if (typeof shape === "string") {
    const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
    return shape.split("|").includes(kind) ? null : `${at}: ${kind}, expected ${shape}`;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return `${at}: expected an array`;
    for (const [i, item] of value.entries()) {
      const problem = shapeMismatch(item, shape[0], `${at}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return `${at}: expected an object`;
  }
  const keys = Object.keys(value), wanted = Object.keys(shape);
  if (keys.join() !== wanted.join()) return `${at}: keys ${keys.join()}, expected ${wanted.join()}`;
  for (const key of wanted) {
    const problem = shapeMismatch(
      (value as Record<string, unknown>)[key],
      shape[key],
      `${at}.${key}`,
    );
    if (problem) return problem;
  }
  return null;
}

/** How `observed` departs from `expected`, or null when it conforms. */
export function mismatch(observed: Observed, expected: Expected): string | null {
  if (observed.status !== expected.status) {
    return `status ${observed.status}, expected ${expected.status}: ${observed.text.slice(0, 200)}`;
  }
  const type = observed.contentType;
  if (expected.body === "empty") {
    return observed.text === "" ? null : `body ${observed.text.slice(0, 100)}, expected none`;
  }
  if (expected.body === "text" || expected.body === "prometheus") {
    if (!type.startsWith("text/plain")) return `content-type ${type}, expected text/plain`;
    if (expected.body === "prometheus" && !observed.text.includes("# TYPE ")) {
      return "no Prometheus # TYPE lines";
    }
    if (expected.text && !expected.text.test(observed.text)) {
      return `text ${JSON.stringify(observed.text.slice(0, 200))}, expected ${expected.text}`;
    }
    return null;
  }
  if (!type.startsWith("application/json")) return `content-type ${type}, expected JSON`;
  let json: unknown;
  try {
    json = JSON.parse(observed.text);
  } catch {
    return `not JSON: ${observed.text.slice(0, 100)}`;
  }
  if (expected.shape !== undefined) {
    const problem = shapeMismatch(json, expected.shape);
    if (problem) return problem;
  }
  const matches = (json as { matches?: unknown[] }).matches;
  if (expected.matches !== undefined && matches?.length !== expected.matches) {
    return `${matches?.length} matches, expected ${expected.matches}`;
  }
  return null;
}

/** Creates the collections and document the rows' placeholders name. */
export async function prepare(url: string): Promise<Fixture> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(url + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return await res.json();
  };
  const create = async (name: string, metric: string) =>
    (await post("/api/v1/collections", { name, dimension: 16, metric })).collection_id as string;
  const cid = await create("c-l2", "l2");
  const cos = await create("c-cos", "cosine");
  const big = await create("c-big", "l2");
  const doc = "0190a0b0-0000-7000-8000-0000000d0c00";
  const vector = (i: number) => Array.from({ length: 16 }, (_, j) => Math.sin(i * 16 + j));
  await post(`/api/v1/collections/${cid}/insert`, { doc_id: doc, vector: vector(0) });
  for (let i = 0; i < 130; i++) {
    const id = `0190a0b0-0000-7000-8000-${(0xb0000 + i).toString(16).padStart(12, "0")}`;
    await post(`/api/v1/collections/${big}/insert`, { doc_id: id, vector: vector(i) });
  }
  return { cid, cos, big, doc, missing: "0190a0b0-0000-7000-8000-00000000dead" };
}
