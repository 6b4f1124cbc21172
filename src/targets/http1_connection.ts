import { TargetError } from "./target.ts";

/** A response read off an HTTP/1.1 connection: status and the whole (de-chunked) body. */
export interface Http1Response {
  status: number;
  body: Uint8Array;
}

/** Longest status line + headers accepted; longer is an invalid response. */
const MAX_HEAD_BYTES = 64 * 1024;
const CR = 13;
const LF = 10;
const latin1 = new TextDecoder("latin1");

/**
 * One keep-alive TCP connection carrying one request at a time. `exchange` writes a complete
 * pre-encoded request and parses the response incrementally off a reused read buffer:
 * Content-Length, chunked (extensions and trailers skipped) and close-delimited bodies, 1xx
 * interim responses skipped. A failure throws TargetError ("connection" when the socket fails or
 * closes mid-response, "invalid_response" for malformed HTTP) and closes the connection.
 */
export class Http1Connection {
  #buf = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;
  #closed = false;
  /** Responses completed on this connection. */
  uses = 0;
  /** Whether any byte of the current response arrived (a reused connection may be stale). */
  received = false;
  /** False once the server asked to close, the body was close-delimited, or a failure. */
  reusable = true;
  /** performance.now() when the connection last became idle. */
  idleSince = 0;

  private constructor(readonly conn: Deno.TcpConn) {}

  /** Connects (TCP_NODELAY); a refused or failed connect is a "connection" TargetError. */
  static async open(hostname: string, port: number): Promise<Http1Connection> {
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname, port });
    } catch (err) {
      throw new TargetError("connection", `connect ${hostname}:${port}: ${(err as Error).message}`);
    }
    conn.setNoDelay(true);
    return new Http1Connection(conn);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the socket; a pending read or write then fails. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.reusable = false;
    try {
      this.conn.close();
    } catch {
      // Already closed by the runtime.
    }
  }

  /** Sends `request` and reads its response; `noBody` for HEAD requests. */
  async exchange(request: Uint8Array, noBody = false): Promise<Http1Response> {
    this.received = false;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    try {
      for (let off = 0; off < request.length;) off += await this.conn.write(request.subarray(off));
      let res: Http1Response;
      do res = await this.#readResponse(noBody); while (res.status < 200);
      if (this.#end > this.#start) this.reusable = false; // bytes nobody asked for
      this.uses++;
      if (!this.reusable) this.close();
      return res;
    } catch (err) {
      this.close();
      if (err instanceof TargetError) throw err;
      throw new TargetError("connection", (err as Error).message);
    }
  }

  async #readResponse(noBody: boolean): Promise<Http1Response> {
    const headEnd = await this.#findHeadEnd();
    const head = latin1.decode(this.#buf.subarray(this.#start, headEnd));
    this.#start = headEnd + 4;
    const lines = head.split("\r\n");
    const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]);
    if (!m) throw invalid(`bad status line ${JSON.stringify(lines[0].slice(0, 80))}`);
    const status = Number(m[2]);
    let keepAlive = m[1] === "1";
    let contentLength = -1;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(":");
      if (colon <= 0) throw invalid(`bad header line ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim().toLowerCase();
      if (name === "content-length") {
        if (!/^\d+$/.test(value)) throw invalid(`bad content-length ${JSON.stringify(value)}`);
        const n = Number(value);
        if (contentLength !== -1 && contentLength !== n) {
          throw invalid("conflicting content-length");
        }
        contentLength = n;
      } else if (name === "transfer-encoding") {
        chunked = value.split(",").at(-1)!.trim() === "chunked";
        if (!chunked) throw invalid(`unsupported transfer-encoding ${JSON.stringify(value)}`);
      } else if (name === "connection") {
        const tokens = value.split(",").map((t) => t.trim());
        if (tokens.includes("close")) keepAlive = false;
        else if (tokens.includes("keep-alive")) keepAlive = true;
      }
    }
    if (!keepAlive) this.reusable = false;
    if (status < 200 || status === 204 || status === 304 || noBody) {
      return { status, body: new Uint8Array(0) };
    }
    if (chunked) return { status, body: await this.#readChunked() };
    if (contentLength >= 0) return { status, body: await this.#readExactly(contentLength) };
    this.reusable = false;
    return { status, body: await this.#readToEnd() };
  }

  /** Index of the "\r\n\r\n" ending the head, reading more as needed. */
  async #findHeadEnd(): Promise<number> {
    let from = this.#start;
    for (;;) {
      const buf = this.#buf;
      for (let i = from; i + 3 < this.#end; i++) {
        if (buf[i] === CR && buf[i + 1] === LF && buf[i + 2] === CR && buf[i + 3] === LF) {
          return i;
        }
      }
      if (this.#end - this.#start > MAX_HEAD_BYTES) throw invalid("response head too large");
      from = Math.max(this.#start, this.#end - 3);
      const shift = this.#start;
      if (!(await this.#fill(this.#end - this.#start + 1))) {
        throw new TargetError("connection", "connection closed before the response");
      }
      from -= shift - this.#start;
    }
  }

  /** Reads until at least `n` bytes are buffered; false on end of stream. */
  async #fill(n: number): Promise<boolean> {
    if (this.#end - this.#start >= n) return true;
    if (this.#buf.length - this.#start < n || this.#end === this.#buf.length) {
      const size = Math.max(this.#buf.length, n * 2);
      if (size === this.#buf.length) this.#buf.copyWithin(0, this.#start, this.#end);
      else {
        const next = new Uint8Array(size);
        next.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = next;
      }
      this.#end -= this.#start;
      this.#start = 0;
    }
    while (this.#end - this.#start < n) {
      const got = await this.conn.read(this.#buf.subarray(this.#end));
      if (got === null) return false;
      this.received = true;
      this.#end += got;
    }
    return true;
  }

  async #readExactly(n: number): Promise<Uint8Array> {
    const body = new Uint8Array(n);
    let have = Math.min(n, this.#end - this.#start);
    body.set(this.#buf.subarray(this.#start, this.#start + have));
    this.#start += have;
    while (have < n) {
      const got = await this.conn.read(body.subarray(have));
      if (got === null) throw new TargetError("connection", "connection closed mid-body");
      have += got;
    }
    return body;
  }

  async #readToEnd(): Promise<Uint8Array> {
    const parts = [this.#buf.slice(this.#start, this.#end)];
    this.#start = this.#end = 0;
    for (;;) {
      const chunk = new Uint8Array(64 * 1024);
      const got = await this.conn.read(chunk);
      if (got === null) return concat(parts);
      parts.push(chunk.subarray(0, got));
    }
  }

  async #readChunked(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (;;) {
      const line = await this.#readLine();
      const hex = line.split(";")[0].trim();
      const size = parseInt(hex, 16);
      if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) {
        throw invalid(`bad chunk size ${JSON.stringify(line.slice(0, 40))}`);
      }
      if (size === 0) break;
      parts.push(await this.#readExactly(size));
      if ((await this.#readLine()) !== "") throw invalid("chunk not followed by CRLF");
    }
    while ((await this.#readLine()) !== "");
    return concat(parts);
  }

  /** One CRLF-terminated line (without the CRLF). */
  async #readLine(): Promise<string> {
    for (;;) {
      const buf = this.#buf;
      for (let i = this.#start; i + 1 < this.#end; i++) {
        if (buf[i] === CR && buf[i + 1] === LF) {
          const line = latin1.decode(buf.subarray(this.#start, i));
          this.#start = i + 2;
          return line;
        }
      }
      if (this.#end - this.#start > MAX_HEAD_BYTES) throw invalid("chunk header too long");
      if (!(await this.#fill(this.#end - this.#start + 1))) {
        throw new TargetError("connection", "connection closed mid-body");
      }
    }
  }
}

function invalid(message: string): TargetError {
  return new TargetError("invalid_response", message);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
