import { errorOf } from "./target_error_of.ts";
import assert from "node:assert/strict";
import { Http1Pool } from "../src/targets/http1_pool.ts";

const text = new TextEncoder();

/** A Deno.serve server on a random port; `remotes` counts distinct client ports (connections). */
function serve(handler: (req: Request) => Response | Promise<Response>) {
  const remotes = new Set<number>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req, info) => {
      remotes.add((info.remoteAddr as Deno.NetAddr).port);
      return handler(req);
    },
  );
  const port = (server.addr as Deno.NetAddr).port;
  return { url: `http://127.0.0.1:${port}`, remotes, close: () => server.shutdown() };
}

/** A raw TCP server answering connection i's first request with reply(i), then closing it. */
function rawServer(
  reply: (n: number) => string | Uint8Array[],
  keepOpen: (n: number) => boolean = () => false,
) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let n = 0;
  const conns: Deno.Conn[] = [];
  const done = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      const i = n++;
      (async () => {
        const buf = new Uint8Array(4096);
        await conn.read(buf);
        const r = reply(i);
        for (const part of typeof r === "string" ? [text.encode(r)] : r) {
          await conn.write(part);
          await new Promise((res) => setTimeout(res, 5));
        }
        if (!keepOpen(i)) conn.close();
      })().catch(() => {});
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    close: async () => {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed already */ }
      }
      await done;
    },
  };
}

Deno.test("http1 pool: method, path, headers and body reach the server; connections are reused", async () => {
  const seen: string[] = [];
  const s = serve(async (req) => {
    seen.push(`${req.method} ${new URL(req.url).pathname} ${req.headers.get("x-k")} ${await req
      .text()}`);
    return Response.json({ ok: true });
  });
  const pool = new Http1Pool(s.url);
  try {
    for (let i = 0; i < 20; i++) {
      const res = await pool.send("POST", `/a/${i}`, { "x-k": "v" }, `{"i":${i},"é":1}`);
      assert.deepEqual(res, { status: 200, text: '{"ok":true}' });
    }
    assert.equal(seen[3], 'POST /a/3 v {"i":3,"é":1}');
    assert.equal(s.remotes.size, 1, "20 sequential requests share one kept-alive connection");
    await Promise.all(Array.from({ length: 8 }, () => pool.send("GET", "/", {}, undefined)));
    assert.ok(pool.size >= 2 && pool.size <= 8, `pool grew to ${pool.size} for 8 in flight`);
    const head = await pool.send("HEAD", "/", {}, undefined);
    assert.deepEqual(head, { status: 200, text: "" });
    assert.equal((await pool.send("GET", "/after-head", {}, undefined)).status, 200);
  } finally {
    pool.close();
    await s.close();
  }
});

Deno.test("http1 pool: a body given as bytes is sent as is, reused bytes to any path and headers", async () => {
  const seen: string[] = [];
  const s = serve(async (req) => {
    seen.push(`${req.method} ${new URL(req.url).pathname} ${req.headers.get("x-k")} ${
      req.headers
        .get("content-length")
    } ${await req.text()}`);
    return Response.json({ ok: true });
  });
  const pool = new Http1Pool(s.url);
  try {
    const body = text.encode('{"v":[1,2],"é":1}');
    const other = text.encode('{"w":[3]}');
    // The same bytes again (the cached request), then to another path, with another header,
    // and interleaved with another body: each request is encoded around its own head.
    await pool.send("POST", "/q/1", {}, body);
    await pool.send("POST", "/q/1", {}, body);
    await pool.send("POST", "/q/2", {}, body);
    await pool.send("POST", "/q/2", { "x-k": "v" }, body);
    await pool.send("POST", "/q/1", {}, other);
    await pool.send("PUT", "/q/1", {}, body);
    assert.deepEqual(seen, [
      'POST /q/1 null 18 {"v":[1,2],"é":1}',
      'POST /q/1 null 18 {"v":[1,2],"é":1}',
      'POST /q/2 null 18 {"v":[1,2],"é":1}',
      'POST /q/2 v 18 {"v":[1,2],"é":1}',
      'POST /q/1 null 9 {"w":[3]}',
      'PUT /q/1 null 18 {"v":[1,2],"é":1}',
    ]);
    assert.deepEqual(body, text.encode('{"v":[1,2],"é":1}'), "the caller's bytes are unchanged");
  } finally {
    pool.close();
    await s.close();
  }
});

Deno.test("http1 pool: chunked (streamed) and large bodies, 4xx/5xx plain-text bodies", async () => {
  const big = "x".repeat(3 * 1024 * 1024 + 17);
  const s = serve(async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/length") return new Response(String((await req.arrayBuffer()).byteLength));
    if (path === "/chunked") {
      const parts = ["alpha ", "beta ".repeat(5000), "gamma"];
      const body = new ReadableStream({
        async pull(c) {
          const p = parts.shift();
          if (p === undefined) return c.close();
          await new Promise((r) => setTimeout(r, 2));
          c.enqueue(text.encode(p));
        },
      });
      return new Response(body);
    }
    if (path === "/big") return new Response(big);
    if (path === "/404") return new Response("Collection not found", { status: 404 });
    if (path === "/500") return new Response("Internal error: boom", { status: 500 });
    return new Response(null, { status: 204 });
  });
  const pool = new Http1Pool(s.url);
  try {
    const chunked = await pool.send("GET", "/chunked", {}, undefined);
    assert.equal(chunked.text, "alpha " + "beta ".repeat(5000) + "gamma");
    assert.equal((await pool.send("GET", "/big", {}, undefined)).text, big);
    assert.deepEqual(await pool.send("GET", "/404", {}, undefined), {
      status: 404,
      text: "Collection not found",
    });
    assert.equal((await pool.send("POST", "/length", {}, big)).text, String(big.length));
    assert.deepEqual(await pool.send("POST", "/500", {}, "{}"), {
      status: 500,
      text: "Internal error: boom",
    });
    assert.deepEqual(await pool.send("DELETE", "/x", {}, undefined), { status: 204, text: "" });
    assert.equal(s.remotes.size, 1, "every response left the connection reusable");
  } finally {
    pool.close();
    await s.close();
  }
});

Deno.test("http1 pool: a timeout closes the socket and the pool recovers", async () => {
  // /slow answers only once the test is over: the client's timeout always comes first.
  const over = Promise.withResolvers<void>();
  const s = serve(async (req) => {
    if (new URL(req.url).pathname === "/slow") await over.promise;
    return new Response("ok");
  });
  const pool = new Http1Pool(s.url);
  try {
    const err = await errorOf(pool.send("GET", "/slow", {}, undefined, AbortSignal.timeout(30)));
    assert.equal(err.errorClass, "timeout");
    const pre = await errorOf(pool.send("GET", "/", {}, undefined, AbortSignal.abort()));
    assert.equal(pre.errorClass, "timeout", "an already-aborted signal sends nothing");
    assert.equal((await pool.send("GET", "/", {}, undefined)).text, "ok");
  } finally {
    pool.close();
    over.resolve();
    await s.close();
  }
});

Deno.test("http1 pool: refused connections and malformed responses are classified", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const dead = new Http1Pool(`http://127.0.0.1:${port}`);
  assert.equal((await errorOf(dead.send("GET", "/", {}, undefined))).errorClass, "connection");
  dead.close();

  const raw = rawServer((i) =>
    [
      "garbage\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    ][i]
  );
  const pool = new Http1Pool(raw.url);
  try {
    const classes = [];
    for (let i = 0; i < 4; i++) {
      classes.push((await errorOf(pool.send("GET", "/", {}, undefined))).errorClass);
    }
    assert.deepEqual(classes, [
      "invalid_response",
      "connection",
      "invalid_response",
      "invalid_response",
    ]);
  } finally {
    pool.close();
    await raw.close();
  }
});

Deno.test("http1 pool: close-delimited, split and HTTP/1.0 responses; 100 Continue skipped", async () => {
  const raw = rawServer((i) =>
    [
      "HTTP/1.1 200 OK\r\n\r\nuntil the end",
      [
        text.encode("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Enc"),
        text.encode("oding: chunked\r\n\r\n3;ext=1\r\nabc\r\n"),
        text.encode("2\r\nde\r\n0\r\nx-trailer: 1\r\n\r\n"),
      ],
      "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi",
    ][i], (i) => i > 0);
  const pool = new Http1Pool(raw.url);
  try {
    assert.deepEqual(await pool.send("GET", "/", {}, undefined), {
      status: 200,
      text: "until the end",
    });
    assert.deepEqual(await pool.send("GET", "/", {}, undefined), { status: 201, text: "abcde" });
    assert.equal(pool.size, 1, "the chunked response left its connection open for reuse");
    pool.close();
    const pool10 = new Http1Pool(raw.url);
    assert.deepEqual(await pool10.send("GET", "/", {}, undefined), { status: 200, text: "hi" });
    assert.equal(pool10.size, 0, "an HTTP/1.0 response without keep-alive is not reused");
    pool10.close();
  } finally {
    pool.close();
    await raw.close();
  }
});

Deno.test("http1 pool: a kept-alive connection the server closed is replaced, not an error", async () => {
  // Each connection answers one request with keep-alive, then the server closes it while idle.
  const raw = rawServer(() => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  const pool = new Http1Pool(raw.url);
  try {
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await pool.send("POST", "/", {}, "{}"), { status: 200, text: "ok" });
      await new Promise((r) => setTimeout(r, 30));
    }
  } finally {
    pool.close();
    await raw.close();
  }
});

Deno.test("http1 pool: Connection: close from the server is honoured", async () => {
  const s = serve(() => new Response("bye", { headers: { connection: "close" } }));
  const pool = new Http1Pool(s.url);
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal((await pool.send("GET", "/", {}, undefined)).text, "bye");
    }
    assert.equal(pool.size, 0);
  } finally {
    pool.close();
    await s.close();
  }
});

Deno.test("http1 pool: a response read whole parses as when it arrives in pieces", async () => {
  // Whole, the buffered fast path parses it; in pieces, the general parser does (its head is
  // incomplete after the first read). Both must agree on status, body and connection reuse.
  const responses = [
    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length: 2\r\n\r\nok",
    "HTTP/1.1 200\r\nCONTENT-LENGTH:  5 \r\nX-Empty:\r\n\r\nhello",
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
    "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nsp",
    "HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nContent-Length: 3\r\n\r\nbye",
    "HTTP/1.0 200 OK\r\nconnection: keep-alive\r\nContent-Length: 4\r\n\r\nkept",
    "HTTP/1.1 204 No Content\r\n\r\n",
    "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found",
  ];
  const whole = rawServer((i) => responses[i], () => true);
  const pieces = rawServer((i) => {
    const r = text.encode(responses[i]);
    return [r.subarray(0, 20), r.subarray(20, r.length - 1), r.subarray(r.length - 1)];
  }, () => true);
  try {
    for (let i = 0; i < responses.length; i++) {
      const outcomes = [];
      for (const server of [whole, pieces]) {
        const pool = new Http1Pool(server.url);
        const res = await pool.send("GET", "/", {}, undefined);
        outcomes.push({ ...res, reused: pool.size === 1 });
        pool.close();
      }
      assert.deepEqual(outcomes[0], outcomes[1], responses[i]);
    }
  } finally {
    await whole.close();
    await pieces.close();
  }
});
