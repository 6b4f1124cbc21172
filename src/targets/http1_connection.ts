import { TargetError } from "./target.ts";

/**
 * A response read off an HTTP/1.1 connection: status and the whole (de-chunked) body. The body
 * may be a view of the connection's read buffer: read it before the connection's next exchange.
 */
export interface Http1Response {
  status: number;
  body: Uint8Array;
}

/** Longest status line + headers accepted; longer is an invalid response. */
const MAX_HEAD_BYTES = 64 * 1024;
const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;
const HTTP_1_ = bytesOf("HTTP/1.");
const latin1 = new TextDecoder("latin1");
const EMPTY = new Uint8Array(0);
const CONTENT_LENGTH = bytesOf("content-length");
const TRANSFER_ENCODING = bytesOf("transfer-encoding");
const CONNECTION = bytesOf("connection");

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
      do {
        if (this.#start === this.#end) {
          // Nothing buffered (the usual case): read straight into the start of the buffer.
          this.#start = this.#end = 0;
          const got = await this.conn.read(this.#buf);
          if (got === null) {
            throw new TargetError("connection", "connection closed before the response");
          }
          this.received = true;
          this.#end = got;
        }
        res = this.#takeBuffered(noBody) ?? await this.#readResponse(noBody);
      } while (res.status < 200);
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

  /**
   * The common case without strings or regular expressions: a response whose head and
   * Content-Length body (or no body) are already buffered, with only well-formed headers. Returns
   * null, consuming nothing, for anything else (incomplete, chunked, close-delimited, malformed)
   * so that #readResponse handles or rejects it.
   */
  #takeBuffered(noBody: boolean): Http1Response | null {
    const buf = this.#buf;
    const start = this.#start;
    const end = this.#end;
    let lineEnd = indexOfCrlf(buf, start, end);
    // "HTTP/1.x SSS" then a space or the end of the line.
    if (lineEnd < start + 12 || !isStatusLine(buf, start, lineEnd)) return null;
    const status = (buf[start + 9] - 48) * 100 + (buf[start + 10] - 48) * 10 + buf[start + 11] - 48;
    let keepAlive = buf[start + 7] === 49;
    let contentLength = -1;
    for (;;) {
      const line = lineEnd + 2;
      lineEnd = indexOfCrlf(buf, line, end);
      if (lineEnd < 0) return null;
      if (lineEnd === line) break;
      const colon = indexOfColon(buf, line, lineEnd);
      // No colon, or whitespace around the name: left to the general parser.
      if (colon <= line || isSpace(buf[line]) || isSpace(buf[colon - 1])) return null;
      const name = colon - line;
      if (name === 14 && equalsLower(buf, line, CONTENT_LENGTH)) {
        const n = parseDigits(buf, colon + 1, lineEnd);
        if (n < 0 || (contentLength !== -1 && contentLength !== n)) return null;
        contentLength = n;
      } else if (name === 17 && equalsLower(buf, line, TRANSFER_ENCODING)) {
        return null;
      } else if (name === 10 && equalsLower(buf, line, CONNECTION)) {
        const tokens = latin1.decode(buf.subarray(colon + 1, lineEnd)).toLowerCase().split(",")
          .map((t) => t.trim());
        if (tokens.includes("close")) keepAlive = false;
        else if (tokens.includes("keep-alive")) keepAlive = true;
      }
    }
    const bodyStart = lineEnd + 2;
    let body = EMPTY;
    if (!(status < 200 || status === 204 || status === 304 || noBody)) {
      if (contentLength < 0 || end - bodyStart < contentLength) return null;
      body = buf.subarray(bodyStart, bodyStart + contentLength);
    }
    this.#start = bodyStart + body.length;
    if (!keepAlive) this.reusable = false;
    return { status, body };
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

function bytesOf(ascii: string): Uint8Array {
  return Uint8Array.from(ascii, (c) => c.charCodeAt(0));
}

/** Index of the first CRLF in buf[from, end), or -1. */
function indexOfCrlf(buf: Uint8Array, from: number, end: number): number {
  for (let i = from; i + 1 < end; i++) if (buf[i] === CR && buf[i + 1] === LF) return i;
  return -1;
}

function indexOfColon(buf: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === COLON) return i;
  return -1;
}

/** "HTTP/1.0 " or "HTTP/1.1 ", three digits, then a space or the end of the line. */
function isStatusLine(buf: Uint8Array, at: number, lineEnd: number): boolean {
  for (let i = 0; i < HTTP_1_.length; i++) if (buf[at + i] !== HTTP_1_[i]) return false;
  const minor = buf[at + 7];
  return (minor === 48 || minor === 49) && buf[at + 8] === SP && isDigit(buf[at + 9]) &&
    isDigit(buf[at + 10]) && isDigit(buf[at + 11]) && (lineEnd === at + 12 || buf[at + 12] === SP);
}

/** Whether buf at `at` holds `lower` (lower-case ASCII) in any letter case. */
function equalsLower(buf: Uint8Array, at: number, lower: Uint8Array): boolean {
  for (let i = 0; i < lower.length; i++) {
    const b = buf[at + i];
    const l = lower[i];
    if (b !== l && !(l >= 97 && l <= 122 && b === l - 32)) return false;
  }
  return true;
}

/** The decimal number in buf[from, end) between optional spaces/tabs; -1 if not only digits. */
function parseDigits(buf: Uint8Array, from: number, end: number): number {
  while (from < end && isSpace(buf[from])) from++;
  while (end > from && isSpace(buf[end - 1])) end--;
  if (from === end || end - from > 15) return -1;
  let n = 0;
  for (let i = from; i < end; i++) {
    if (!isDigit(buf[i])) return -1;
    n = n * 10 + buf[i] - 48;
  }
  return n;
}

function isDigit(b: number): boolean {
  return b >= 48 && b <= 57;
}

function isSpace(b: number): boolean {
  return b === SP || b === HT;
}
