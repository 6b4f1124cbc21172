/**
 * The floor under an adapter's client CPU: the very bytes of its searches written on bare
 * Deno.connect sockets and their answers read to the end, with no parsing beyond finding where
 * an answer ends. What a search costs above this is the adapter's; this much any Deno client
 * pays for the same exchange (the runtime's socket ops, wake-ups, the kernel's loopback TCP).
 */

/** Sends request i and resolves once its whole answer is read. */
export interface WireFloor {
  send(i: number): Promise<void>;
  close(): void;
}

const encoder = new TextEncoder();

/**
 * HTTP/1.1: one connection per request in flight (as the pool keeps them), each request head +
 * body in one write, each answer read until its Content-Length is in.
 */
export async function httpWireFloor(
  url: string,
  requests: { path: string; body: Uint8Array }[],
  connections: number,
): Promise<WireFloor> {
  const u = new URL(url);
  const prefix = u.pathname.replace(/\/+$/, "");
  const bytes = requests.map(({ path, body }) => {
    const head = encoder.encode(
      `POST ${prefix}${path} HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: application/json\r\n` +
        `content-length: ${body.length}\r\n\r\n`,
    );
    const out = new Uint8Array(head.length + body.length);
    out.set(head);
    out.set(body, head.length);
    return out;
  });
  const idle: { conn: Deno.TcpConn; buf: Uint8Array }[] = [];
  for (let i = 0; i < connections; i++) {
    const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
    conn.setNoDelay(true);
    idle.push({ conn, buf: new Uint8Array(64 * 1024) });
  }
  const all = [...idle];
  return {
    async send(i) {
      const c = idle.pop()!;
      const request = bytes[i % bytes.length];
      for (let off = 0; off < request.length;) off += await c.conn.write(request.subarray(off));
      let have = 0;
      let end = -1;
      while (end < 0 || have < end) {
        const got = await c.conn.read(c.buf.subarray(have));
        if (got === null) throw new Error("bare HTTP: connection closed");
        have += got;
        if (end < 0) end = httpAnswerEnd(c.buf, have);
      }
      idle.push(c);
    },
    close() {
      for (const c of all) c.conn.close();
    },
  };
}

/** Where an HTTP answer with a Content-Length ends, once its head is in; -1 before. */
function httpAnswerEnd(buf: Uint8Array, have: number): number {
  for (let i = 0; i + 3 < have; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) {
      const head = new TextDecoder().decode(buf.subarray(0, i)).toLowerCase();
      const length = /\r\ncontent-length: *(\d+)/.exec(head);
      if (!length) throw new Error("bare HTTP: an answer without content-length");
      return i + 4 + Number(length[1]);
    }
  }
  return -1;
}

/**
 * PostgreSQL's extended protocol on one connection (as the adapter's pool of one against
 * PGlite): the search statement parsed once, then per search Bind (the vector's text and k as
 * text parameters) + Execute + Sync in one write, pipelined, each answer read up to its
 * ReadyForQuery. Trust or cleartext-password authentication only (PGlite's).
 */
export async function pgWireFloor(
  url: string,
  sql: string,
  params: string[][],
): Promise<WireFloor> {
  const u = new URL(url);
  const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port || 5432) });
  conn.setNoDelay(true);
  const reader = new PgReader(conn);
  const user = decodeURIComponent(u.username || "postgres");
  const database = decodeURIComponent(u.pathname.slice(1) || user);
  const startup = cstrings(["user", user, "database", database, ""]);
  await conn.write(concat([int32(8 + startup.length), int32(196608), startup]));
  for (;;) {
    const [type, body] = await reader.message();
    if (type === "R" && readInt32(body, 0) === 3) {
      const password = cstrings([decodeURIComponent(u.password)]);
      await conn.write(concat([encoder.encode("p"), int32(4 + password.length), password]));
    } else if (type === "R" && readInt32(body, 0) !== 0) {
      throw new Error("bare pg: only trust or cleartext authentication");
    } else if (type === "E") throw new Error("bare pg: startup refused");
    else if (type === "Z") break;
  }
  // A name of its own: PGlite's one backend keeps every connection's prepared statements.
  const statement = `akibench_floor_${crypto.randomUUID().slice(0, 8)}`;
  await conn.write(concat([message("P", [cstrings([statement, sql]), int16(0)]), SYNC]));
  await reader.untilReady();
  const requests = params.map((values) =>
    concat([
      message("B", [
        cstrings(["", statement]),
        int16(0),
        int16(values.length),
        ...values.flatMap((v) => {
          const b = encoder.encode(v);
          return [int32(b.length), b];
        }),
        int16(0),
      ]),
      message("E", [cstrings([""]), int32(0)]),
      SYNC,
    ])
  );
  let writes = Promise.resolve();
  let answers = Promise.resolve();
  return {
    async send(i) {
      const request = requests[i % requests.length];
      // Pipelined: whole requests go out in order, answers come back in the same order.
      const written = writes.then(async () => {
        for (let off = 0; off < request.length;) off += await conn.write(request.subarray(off));
      });
      const answered = answers.then(() => reader.untilReady());
      writes = written.catch(() => {});
      answers = answered.catch(() => {});
      await written;
      await answered;
    },
    close() {
      conn.close();
    },
  };
}

const SYNC = message("S", []);

/** Reads backend messages off a connection into a growing buffer. */
class PgReader {
  #buf = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;
  constructor(readonly conn: Deno.Conn) {}

  async message(): Promise<[string, Uint8Array]> {
    while (this.#end - this.#start < 5 || this.#end - this.#start < 1 + this.#length()) {
      await this.#fill();
    }
    const type = String.fromCharCode(this.#buf[this.#start]);
    const n = this.#length();
    const body = this.#buf.subarray(this.#start + 5, this.#start + 1 + n);
    this.#start += 1 + n;
    return [type, body];
  }

  /** Skips messages up to ReadyForQuery; an ErrorResponse fails the search. */
  async untilReady(): Promise<void> {
    let failed = false;
    for (;;) {
      const [type] = await this.message();
      if (type === "E") failed = true;
      if (type === "Z") break;
    }
    if (failed) throw new Error("bare pg: the statement failed");
  }

  #length(): number {
    return readInt32(this.#buf, this.#start + 1);
  }

  async #fill(): Promise<void> {
    if (this.#start === this.#end) this.#start = this.#end = 0;
    if (this.#end === this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length, 2 * (this.#end - this.#start) + 5));
      next.set(this.#buf.subarray(this.#start, this.#end));
      this.#end -= this.#start;
      this.#start = 0;
      this.#buf = next;
    }
    const got = await this.conn.read(this.#buf.subarray(this.#end));
    if (got === null) throw new Error("bare pg: connection closed");
    this.#end += got;
  }
}

function message(type: string, parts: Uint8Array[]): Uint8Array {
  const body = concat(parts);
  return concat([encoder.encode(type), int32(4 + body.length), body]);
}

function cstrings(values: string[]): Uint8Array {
  return encoder.encode(values.map((v) => `${v}\0`).join(""));
}

function int32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
}

function int16(n: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setInt16(0, n);
  return b;
}

function readInt32(buf: Uint8Array, at: number): number {
  return new DataView(buf.buffer, buf.byteOffset + at, 4).getInt32(0);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
