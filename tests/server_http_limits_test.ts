import assert from "node:assert/strict";
import { spawnServer } from "./server_child.ts";
import { call } from "./server_http_client.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads a raw connection until the server closes it; returns all it sent. */
async function readUntilClosed(conn: Deno.Conn): Promise<string> {
  const buf = new Uint8Array(4096);
  let text = "";
  for (;;) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) return text;
    text += decoder.decode(buf.subarray(0, n));
  }
}

/** Writes `text`; false once the server has closed the connection. */
async function send(conn: Deno.Conn, text: string | Uint8Array): Promise<boolean> {
  const bytes = typeof text === "string" ? encoder.encode(text) : text;
  try {
    for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
    return true;
  } catch {
    return false;
  }
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** VmHWM (peak resident set) of `pid`, bytes. */
async function peakRss(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)![1]) * 1024;
}

async function withServer(extra: string[], fn: (url: string, pid: number) => Promise<void>) {
  const dataDir = await Deno.makeTempDir({ prefix: "akibench-http-limits-" });
  const { child, url } = await spawnServer(dataDir, extra);
  try {
    await fn(url, child.pid);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test("serve: idle, trickling and slow-body connections are closed by the timeouts", async () => {
  await withServer(
    ["--header-timeout-ms", "300", "--idle-timeout-ms", "300", "--body-timeout-ms", "300"],
    async (url) => {
      const port = portOf(url);
      // A connection that never sends anything.
      const silent = await Deno.connect({ hostname: "127.0.0.1", port });
      // A keep-alive connection left idle after one request.
      const idle = await Deno.connect({ hostname: "127.0.0.1", port });
      await send(idle, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      // Headers trickled one line at a time, for ever unless the server cuts them off.
      const trickle = await Deno.connect({ hostname: "127.0.0.1", port });
      const trickling = (async () => {
        let lines = 0;
        if (!await send(trickle, "GET /health HTTP/1.1\r\nHost: x\r\n")) return lines;
        while (await send(trickle, `X-Slow-${lines}: y\r\n`)) {
          lines++;
          await new Promise((r) => setTimeout(r, 50));
        }
        return lines;
      })();
      // A body declared as 1,000 bytes of which 20 arrive.
      const slow = await Deno.connect({ hostname: "127.0.0.1", port });
      await send(
        slow,
        "POST /api/v1/collections HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
          'Content-Length: 1000\r\n\r\n{"name": "slow-body"',
      );

      assert.equal(await readUntilClosed(silent), "", "silent connection closed");
      assert.match(await readUntilClosed(idle), /^HTTP\/1.1 200 OK/, "idle connection closed");
      const slowAnswer = await readUntilClosed(slow);
      assert.match(slowAnswer, /^HTTP\/1.1 408 /, slowAnswer);
      assert.match(slowAnswer, /connection: close/i);
      assert.match(slowAnswer, /request body not received in time/);
      assert.doesNotMatch(await readUntilClosed(trickle), /200 OK/, "trickled headers cut off");
      const lines = await trickling;
      assert.ok(lines > 0, "the trickle had started");
      for (const conn of [silent, idle, trickle, slow]) conn.close();
      // The server still answers.
      assert.equal((await call(url, "GET", "/health")).status, 200);
    },
  );
});

Deno.test("serve: a 413, 415 or 408 answer closes its connection at once, not at the idle timeout", async () => {
  const idleMs = 60_000;
  await withServer(
    ["--idle-timeout-ms", String(idleMs), "--body-timeout-ms", "500"],
    async (url) => {
      const port = portOf(url);
      const id = (await call(url, "POST", "/api/v1/collections", {
        name: "close",
        dimension: 16,
        metric: "l2",
      })).body.collection_id;
      const json = "Content-Type: application/json\r\n";
      const cases: [string, RegExp, string][] = [
        [
          "declared over the limit",
          /^HTTP\/1.1 413 /,
          `POST /api/v1/collections HTTP/1.1\r\nHost: x\r\n${json}` +
          `Content-Length: ${300 * 1024 * 1024}\r\n\r\n{`,
        ],
        [
          "streamed over the limit",
          /^HTTP\/1.1 413 /,
          `POST /api/v1/collections HTTP/1.1\r\nHost: x\r\n${json}` +
          `Transfer-Encoding: chunked\r\n\r\n${(70_000).toString(16)}\r\n${"x".repeat(70_000)}\r\n`,
        ],
        [
          "wrong content type",
          /^HTTP\/1.1 415 /,
          `POST /api/v1/collections HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n` +
          `Content-Length: 1000\r\n\r\n{`,
        ],
        [
          "small body late",
          /^HTTP\/1.1 408 /,
          `POST /api/v1/collections HTTP/1.1\r\nHost: x\r\n${json}` +
          `Content-Length: 1000\r\n\r\n{"name": "late"`,
        ],
        [
          "large body late",
          /^HTTP\/1.1 408 /,
          `POST /api/v1/collections/${id}/query HTTP/1.1\r\nHost: x\r\n${json}` +
          `Content-Length: 100000\r\n\r\n{"top_k": 1`,
        ],
      ];
      for (const [what, status, request] of cases) {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await send(conn, request);
        // Not a timing threshold: a connection left to the idle timeout would hang the test,
        // this guard (a third of that timeout) turns the hang into a failure that names the case.
        let guard: ReturnType<typeof setTimeout> | undefined;
        const hang = new Promise<"hang">((resolve) => {
          guard = setTimeout(() => resolve("hang"), idleMs / 3);
        });
        const answer = await Promise.race([readUntilClosed(conn), hang]);
        clearTimeout(guard);
        conn.close();
        assert.notEqual(answer, "hang", `${what}: no end of stream after the answer`);
        assert.match(answer, status, `${what}: ${answer}`);
        assert.match(answer, /connection: close/i, what);
      }
      assert.equal((await call(url, "GET", "/health")).status, 200);
    },
  );
});

Deno.test("serve: 1,000 bodies declared as 60 MiB with 20 bytes sent hold memory for what arrived", async () => {
  // The idle timeout stays far above the body timeout: with 1,000 connections opened at once on
  // a busy machine, a request can wait over a second for dispatch, and an idle close then would
  // answer nothing instead of the 408 under test (each 408 closes its connection by itself).
  await withServer(
    ["--body-timeout-ms", "3000", "--idle-timeout-ms", "30000"],
    async (url, pid) => {
      const port = portOf(url);
      const id = (await call(url, "POST", "/api/v1/collections", {
        name: "mem",
        dimension: 16,
        metric: "l2",
      })).body.collection_id;
      const before = await peakRss(pid);
      // Under insert_batch's 64 MiB limit, so each is read: were the declared lengths allocated, the 1,000
      // connections would take 60 GB.
      const conns = await Promise.all(Array.from({ length: 1000 }, async () => {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await send(
          conn,
          `POST /api/v1/collections/${id}/insert_batch HTTP/1.1\r\nHost: x\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${60 * 1024 * 1024}\r\n\r\n` +
            '{"docs":[{"doc_id":"',
        );
        return conn;
      }));
      const answers = await Promise.all(conns.map((c) => readUntilClosed(c)));
      for (const conn of conns) conn.close();
      for (const answer of answers) assert.match(answer, /^HTTP\/1.1 408 [^]*\(20 bytes arrived\)/);
      const grown = (await peakRss(pid)) - before;
      assert.ok(grown < 512 * 1024 * 1024, `peak RSS grew by ${(grown / 2 ** 20).toFixed(0)} MiB`);
      assert.equal((await call(url, "GET", "/health")).status, 200);
    },
  );
});

const ADMIN_KEY = "ak_" + "ab".repeat(32);
const admin = { "x-api-key": ADMIN_KEY };

Deno.test("serve: error messages quote at most 100 characters of the input", async () => {
  await withServer(["--tenancy", "--admin-key", ADMIN_KEY], async (url) => {
    const id = (await call(url, "POST", "/api/v1/collections", {
      name: "cap",
      dimension: 16,
      metric: "l2",
    }, admin)).body.collection_id;
    const huge = "z".repeat(1_500_000); // under AkiDB's 2 MiB body limit
    const vector = [huge, ...Array(15).fill(1)];
    const cases: [string, string, unknown][] = [
      [`/api/v1/collections/${id}/insert`, "POST", {
        doc_id: "0190a0b0-0000-7000-8000-000000000001",
        vector,
      }],
      [`/api/v1/collections/${id}/insert`, "POST", { doc_id: huge, vector: [] }],
      [`/api/v1/collections/${id}/query`, "POST", { [huge]: 1, query_vector: [], top_k: 1 }],
      ["/admin/tenants", "POST", { name: "t", [huge]: true }],
      [`/api/v1/collections/${id}/docs/${huge.slice(0, 60_000)}`, "GET", undefined],
      [`/api/v1/nothing/${huge.slice(0, 60_000)}`, "GET", undefined],
      [`/api/v1/collections/${id}/insert`, "POST", huge],
    ];
    for (const [path, method, body] of cases) {
      const r = await call(url, method, path, body, admin);
      assert.ok(r.status >= 400 && r.status < 500, `${method} ${path.slice(0, 80)}: ${r.status}`);
      const error = String(r.body.error);
      assert.ok(error.length <= 1200, `${path.slice(0, 80)}: ${error.length} characters`);
      assert.doesNotMatch(error, /z{101}/, "quotes at most 100 characters");
    }
    const r = await call(url, "POST", `/api/v1/collections/${id}/insert`, {
      doc_id: "0190a0b0-0000-7000-8000-000000000001",
      vector,
    }, admin);
    assert.match(r.body.error, /vector\[0\].*"z{99}… \(1500002 characters\)/);
    const type = await call(url, "POST", `/api/v1/collections/${id}/insert`, "{}", {
      ...admin,
      "content-type": "text/" + huge.slice(0, 50_000),
    });
    assert.equal(type.status, 415);
    assert.match(type.body.error, /z{95}… \(50005 characters\)/);
  });
});

Deno.test("serve: tier, policy, fault and tenant routes limit bodies, check types and ranges", async () => {
  await withServer([
    "--tenancy",
    "--admin-key",
    ADMIN_KEY,
    "--faults",
  ], async (url) => {
    const port = portOf(url);
    const id = (await call(url, "POST", "/api/v1/collections", {
      name: "admin",
      dimension: 16,
      metric: "l2",
    }, admin)).body.collection_id;
    const tenant = (await call(url, "POST", "/admin/tenants", { name: "fuzz" }, admin)).body;
    const routes: [string, string, Record<string, unknown>][] = [
      ["POST", `/api/v1/collections/${id}/tier`, { action: "pin" }],
      ["PUT", "/api/v1/tiering/policy", {
        hot_to_warm_idle_s: 60,
        warm_to_cold_idle_s: 120,
        warm_to_hot_accesses: 3,
        access_window_s: 60,
        check_interval_s: 1,
        upload_interval_s: 0.25,
      }],
      ["POST", "/admin/faults", {
        s3_latency_ms: 0,
        s3_error_rate: 0,
        s3_throttle_rate: 0,
        duration_s: 1,
      }],
      ["POST", "/admin/tenants", { name: "n" }],
      ["POST", `/admin/tenants/${tenant.tenant_id}/keys`, { role: "viewer", name: "k" }],
      ["POST", "/api/v1/collections", { name: "x", dimension: 16, metric: "l2" }],
      ["POST", `/api/v1/collections/${id}/query`, { query_vector: Array(16).fill(1), top_k: 1 }],
    ];
    const bad: unknown[] = [1e300, -1, 1.5, "x".repeat(10_000), null, [], {}];
    for (const [method, path, good] of routes) {
      const ok = await call(url, method, path, good, admin);
      assert.ok(ok.status < 300, `${method} ${path} ${JSON.stringify(ok.body)}`);
      // A declared body over the route's limit: 413 before it is read.
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await send(
        conn,
        `${method} ${path} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${ADMIN_KEY}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${300 * 1024 * 1024}\r\n\r\n{`,
      );
      const answer = await readUntilClosed(conn);
      conn.close();
      assert.match(answer, /^HTTP\/1.1 413 /, `${method} ${path}: ${answer}`);
      // Non-JSON content types: 415; JSON ones (+json too) pass the type check.
      for (const type of ["text/plain", "application/x-www-form-urlencoded", ""]) {
        const r = await call(url, method, path, JSON.stringify(good), {
          ...admin,
          "content-type": type,
        });
        assert.equal(r.status, 415, `${method} ${path} with '${type}'`);
      }
      const plusJson = await call(url, method, path, JSON.stringify(good), {
        ...admin,
        "content-type": "application/merge-patch+json; charset=utf-8",
      });
      assert.notEqual(plusJson.status, 415);
      // Every field, every wrong value: a 4xx (never a 500), one short message.
      const bodies: unknown[] = [null, [], 1e300, "[".repeat(5000)];
      for (const field of Object.keys(good)) {
        for (const value of bad) bodies.push({ ...good, [field]: value });
        bodies.push(`{"${field}": 1e400}`, `{"${field}": -1e400}`);
      }
      for (const body of bodies) {
        const r = await call(
          url,
          method,
          path,
          typeof body === "string" ? body : JSON.stringify(body),
          admin,
        );
        assert.ok(r.status < 500, `${method} ${path} ${String(body).slice(0, 80)}: ${r.status}`);
        if (r.status >= 400) assert.ok(String(r.body.error).length <= 1200);
      }
    }
    const huge = await call(url, "POST", "/admin/faults", { duration_s: 1e300 }, admin);
    assert.equal(huge.status, 400);
    assert.match(huge.body.error, /duration_s/);
    const busy = await call(
      url,
      "PUT",
      "/api/v1/tiering/policy",
      { check_interval_s: 1e-300 },
      admin,
    );
    assert.equal(busy.status, 400);
    assert.match(busy.body.error, /check_interval_s/);
    assert.equal((await call(url, "GET", "/health")).status, 200);
  });
});
