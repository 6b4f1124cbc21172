import assert from "node:assert/strict";
import { startServer } from "../src/server/start.ts";
import { call, docId } from "./server_http_client.ts";

const DIM = 16;
const good = () => Array.from({ length: DIM }, (_, i) => i + 1);

/** Sends a raw HTTP/1.1 request head, then streams `chunks` until the server answers. */
async function rawRequest(port: number, head: string, chunks: Iterable<Uint8Array>) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const decoder = new TextDecoder();
  let response = "";
  const reading = (async () => {
    const buf = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) return;
      response += decoder.decode(buf.subarray(0, n));
      if (response.includes("\r\n\r\n") && response.includes("}")) return;
    }
  })();
  let sent = 0;
  try {
    await conn.write(new TextEncoder().encode(head));
    for (const chunk of chunks) {
      if (response) break;
      for (let off = 0; off < chunk.length;) off += await conn.write(chunk.subarray(off));
      sent += chunk.length;
    }
  } catch {
    // The server may close the connection after answering early.
  }
  await reading;
  conn.close();
  return { status: Number(response.split(" ")[1]), response, sent };
}

function* repeat(chunk: Uint8Array, times: number) {
  for (let i = 0; i < times; i++) yield chunk;
}

Deno.test("server: every kind of bad input gets a precise 4xx and the server survives", async () => {
  const server = await startServer({ quiet: true });
  try {
    const u = server.url;
    const cases: [string, string, string, unknown, number, RegExp][] = [];
    const id = (await call(u, "POST", "/api/v1/collections", {
      name: "bad",
      dimension: DIM,
      metric: "cosine",
    })).body.collection_id;
    const ins = `/api/v1/collections/${id}/insert`;
    const qry = `/api/v1/collections/${id}/query`;
    const vec = (v: unknown) => ({ doc_id: docId(1), vector: v });
    cases.push(
      [
        "dimension too small",
        "POST",
        "/api/v1/collections",
        { name: "x", dimension: 15, metric: "l2" },
        400,
        /dimension/,
      ],
      [
        "dimension too big",
        "POST",
        "/api/v1/collections",
        { name: "x", dimension: 4097, metric: "l2" },
        400,
        /dimension/,
      ],
      [
        "unknown metric",
        "POST",
        "/api/v1/collections",
        { name: "x", dimension: 16, metric: "cos" },
        400,
        /metric/,
      ],
      ["missing name", "POST", "/api/v1/collections", { dimension: 16, metric: "l2" }, 400, /name/],
      ["wrong dimension", "POST", ins, vec([1, 2, 3]), 400, /dimension 3.*expects 16/],
      ["empty vector", "POST", ins, vec([]), 400, /dimension 0/],
      ["string element", "POST", ins, vec([...good().slice(1), "NaN"]), 400, /vector\[15\].*"NaN"/],
      ["null element", "POST", ins, vec([null, ...good().slice(1)]), 400, /vector\[0\].*null/],
      ["float32 overflow", "POST", ins, vec([1e39, ...good().slice(1)]), 400, /vector\[0\]/],
      ["all zeros for cosine", "POST", ins, vec(good().map(() => 0)), 400, /all zeros/],
      ["vector not an array", "POST", ins, vec("1,2,3"), 400, /vector/],
      [
        "non-UUID doc_id",
        "POST",
        ins,
        { doc_id: "doc-1", vector: good() },
        400,
        /doc_id: must be a UUID/,
      ],
      ["top_k 0", "POST", qry, { query_vector: good(), top_k: 0 }, 400, /top_k/],
      ["top_k 10001", "POST", qry, { query_vector: good(), top_k: 10001 }, 400, /top_k/],
      ["top_k fractional", "POST", qry, { query_vector: good(), top_k: 1.5 }, 400, /top_k/],
      ["top_k string", "POST", qry, { query_vector: good(), top_k: "10" }, 400, /top_k/],
      [
        "query wrong dimension",
        "POST",
        qry,
        { query_vector: [1], top_k: 1 },
        400,
        /query_vector has dimension 1/,
      ],
      ["malformed JSON", "POST", ins, '{"doc_id": ', 400, /malformed JSON/],
      ["JSON array body", "POST", ins, "[1,2]", 400, /body|expected object/],
      [
        "unknown collection",
        "POST",
        "/api/v1/collections/01a20000-0000-7000-8000-000000000000/insert",
        vec(good()),
        404,
        /not found/,
      ],
      [
        "unknown collection get",
        "GET",
        "/api/v1/collections/01a20000-0000-7000-8000-000000000000",
        undefined,
        404,
        /not found/,
      ],
      ["non-UUID collection get", "GET", "/api/v1/collections/nope", undefined, 400, /Invalid/],
      [
        "non-UUID doc path",
        "GET",
        `/api/v1/collections/${id}/docs/xyz`,
        undefined,
        400,
        /not a UUID/,
      ],
      [
        "non-UUID doc delete",
        "DELETE",
        `/api/v1/collections/${id}/docs/xyz`,
        undefined,
        400,
        /not a UUID/,
      ],
      ["unknown route", "GET", "/api/v2/nothing", undefined, 404, /no route/],
      ["wrong method", "PUT", "/api/v1/collections", undefined, 405, /not allowed/],
    );
    for (const [name, method, path, body, status, message] of cases) {
      const r = await call(u, method, path, body);
      assert.equal(r.status, status, `${name}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error, message, name);
    }
    const infinity = await call(
      u,
      "POST",
      ins,
      `{"doc_id":"${docId(2)}","vector":[1e400${",1".repeat(15)}]}`,
    );
    assert.equal(infinity.status, 400);
    assert.match(infinity.body.error, /vector\[0\]/);
    const text = await call(u, "POST", ins, JSON.stringify(vec(good())), {
      "content-type": "text/plain",
    });
    assert.equal(text.status, 415);
    assert.match(text.body.error, /Content-Type must be application\/json/);

    const mb = new Uint8Array(1024 * 1024).fill(0x20);
    const declared = await rawRequest(
      server.port,
      `POST ${ins} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${
        100 * 1024 * 1024
      }\r\n\r\n`,
      repeat(mb, 100),
    );
    assert.equal(declared.status, 413, declared.response);
    assert.ok(declared.sent < 100 * mb.length, "rejected before the whole body was sent");
    const piece = mb.subarray(0, 64 * 1024);
    const chunk = new Uint8Array([
      ...new TextEncoder().encode(`${piece.length.toString(16)}\r\n`),
      ...piece,
      ...new TextEncoder().encode("\r\n"),
    ]);
    const streamed = await rawRequest(
      server.port,
      `POST ${ins} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      repeat(chunk, 1600),
    );
    assert.equal(streamed.status, 413, streamed.response);
    assert.match(streamed.response, /exceeds the limit/);

    assert.equal((await call(u, "GET", "/health")).status, 200);
    const ok = await call(u, "POST", ins, vec(good()));
    assert.equal(ok.status, 200);
    const metrics = await call(u, "GET", "/metrics");
    assert.match(metrics.body, /route="unmatched",status="404"/);
  } finally {
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});
