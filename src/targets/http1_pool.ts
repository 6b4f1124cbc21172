import { Http1Connection } from "./http1_connection.ts";
import type { HttpTransport, TransportResponse } from "./http_transport.ts";
import { TargetError } from "./target.ts";

/** Idle connections older than this are closed rather than reused (Node servers close at 5 s). */
export const IDLE_TIMEOUT_MS = 4000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * HttpTransport for http:// URLs: HTTP/1.1 over Deno.connect, one request per connection at a
 * time, connections opened on demand (so the pool grows to the peak number of requests in
 * flight) and reused most-recently-idle first. The request is encoded once into a single buffer
 * and written with one write. A request's signal closes its socket. A kept-alive connection that
 * fails before any byte of the response arrives (the server closed it while idle) is retried
 * once on a fresh connection.
 */
export class Http1Pool implements HttpTransport {
  readonly #hostname: string;
  readonly #port: number;
  readonly #prefix: string;
  readonly #hostLine: string;
  readonly #idle: Http1Connection[] = [];
  readonly #open = new Set<Http1Connection>();
  /** Connections busy with a request, by the request's signal. */
  readonly #watched = new WeakMap<AbortSignal, Set<Http1Connection>>();
  #closed = false;
  /**
   * Each body given as bytes, with the whole request last encoded around it: a load sends the
   * same query bodies (vectorBody) to the same path again and again.
   */
  readonly #withBody = new WeakMap<Uint8Array, { head: string; request: Uint8Array }>();
  /** The last request without headers or body, encoded (a load repeats the same GET). */
  #lastMethod = "";
  #lastPath = "";
  #lastRequest = new Uint8Array(0);

  constructor(baseUrl: string) {
    const url = new URL(baseUrl);
    if (url.protocol !== "http:") throw new TypeError(`Http1Pool: not an http:// URL: ${baseUrl}`);
    this.#hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
    this.#port = url.port === "" ? 80 : Number(url.port);
    this.#prefix = url.pathname.replace(/\/+$/, "");
    this.#hostLine = `host: ${url.host}\r\n`;
  }

  /** Connections open now (idle or busy). */
  get size(): number {
    return this.#open.size;
  }

  async send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | Uint8Array<ArrayBuffer> | undefined,
    signal?: AbortSignal,
  ): Promise<TransportResponse> {
    if (signal?.aborted) throw timedOut();
    const request = this.#encode(method, path, headers, body);
    for (let attempt = 0;; attempt++) {
      const conn = this.#takeIdle() ?? await this.#connect(signal);
      if (signal) this.#watch(signal, conn);
      try {
        const res = await conn.exchange(request, method === "HEAD");
        if (signal) this.#watched.get(signal)!.delete(conn);
        // Before the connection is reused: the body may be a view of its read buffer.
        const text = decodeBody(res.body);
        this.#release(conn);
        return { status: res.status, text };
      } catch (err) {
        if (signal) this.#watched.get(signal)!.delete(conn);
        this.#open.delete(conn);
        if (signal?.aborted) throw timedOut();
        if (this.#closed) throw new TargetError("connection", "client closed");
        const stale = conn.uses > 0 && !conn.received;
        if (!stale || attempt > 0) throw err;
      }
    }
  }

  close(): void {
    this.#closed = true;
    for (const conn of this.#open) conn.close();
    this.#open.clear();
    this.#idle.length = 0;
  }

  #encode(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | Uint8Array<ArrayBuffer> | undefined,
  ): Uint8Array {
    const plain = body === undefined && isEmpty(headers);
    if (plain && method === this.#lastMethod && path === this.#lastPath) return this.#lastRequest;
    if (/[^\x21-\x7e]/.test(path)) {
      throw new TargetError("connection", `invalid request path ${JSON.stringify(path)}`);
    }
    let head = `${method} ${this.#prefix}${path} HTTP/1.1\r\n${this.#hostLine}`;
    for (const name in headers) {
      const value = headers[name];
      if (/[\r\n]/.test(value)) throw new TargetError("connection", `invalid ${name} header`);
      head += `${name}: ${value}\r\n`;
    }
    if (body === undefined) {
      const request = encoder.encode(`${head}\r\n`);
      if (plain) {
        this.#lastMethod = method;
        this.#lastPath = path;
        this.#lastRequest = request;
      }
      return request;
    }
    const bytes = typeof body === "string" ? encoder.encode(body) : body;
    head += `content-length: ${bytes.length}\r\n\r\n`;
    const known = bytes === body ? this.#withBody.get(bytes) : undefined;
    if (known?.head === head) return known.request;
    const headBytes = encoder.encode(head);
    const out = new Uint8Array(headBytes.length + bytes.length);
    out.set(headBytes);
    out.set(bytes, headBytes.length);
    if (bytes === body) this.#withBody.set(bytes, { head, request: out });
    return out;
  }

  /**
   * Closes `conn` when `signal` fires. One listener per signal, however many requests share it
   * (the load engine gives requests sent close together one signal).
   */
  #watch(signal: AbortSignal, conn: Http1Connection): void {
    let conns = this.#watched.get(signal);
    if (!conns) {
      const watched = conns = new Set();
      this.#watched.set(signal, watched);
      signal.addEventListener("abort", () => {
        for (const c of watched) c.close();
        watched.clear();
      }, { once: true });
    }
    conns.add(conn);
    if (signal.aborted) conn.close();
  }

  /** The most recently idle connection still fresh enough to reuse; stale ones are closed. */
  #takeIdle(): Http1Connection | null {
    const now = performance.now();
    for (let conn = this.#idle.pop(); conn; conn = this.#idle.pop()) {
      if (!conn.closed && now - conn.idleSince < IDLE_TIMEOUT_MS) return conn;
      conn.close();
      this.#open.delete(conn);
    }
    return null;
  }

  async #connect(signal?: AbortSignal): Promise<Http1Connection> {
    if (this.#closed) throw new TargetError("connection", "client closed");
    const connecting = Http1Connection.open(this.#hostname, this.#port);
    const conn = signal ? await untilAborted(connecting, signal) : await connecting;
    if (this.#closed) {
      conn.close();
      throw new TargetError("connection", "client closed");
    }
    this.#open.add(conn);
    return conn;
  }

  #release(conn: Http1Connection): void {
    if (!conn.reusable || this.#closed) {
      conn.close();
      this.#open.delete(conn);
      return;
    }
    conn.idleSince = performance.now();
    this.#idle.push(conn);
  }
}

/** Longest body decoded in JavaScript when it is plain ASCII (cheaper than a decoder call). */
const SHORT_BODY = 64;

function decodeBody(body: Uint8Array): string {
  if (body.length <= SHORT_BODY) {
    let ascii = true;
    for (let i = 0; i < body.length && ascii; i++) ascii = body[i] < 0x80;
    if (ascii) return String.fromCharCode.apply(null, body as unknown as number[]);
  }
  return decoder.decode(body);
}

function isEmpty(headers: Record<string, string>): boolean {
  for (const _ in headers) return false;
  return true;
}

function timedOut(): TargetError {
  return new TargetError("timeout", "timed out");
}

/** The connection, or a timeout as soon as the signal fires (a late connection is closed). */
function untilAborted(
  connecting: Promise<Http1Connection>,
  signal: AbortSignal,
): Promise<Http1Connection> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(timedOut());
      connecting.then((c) => c.close(), () => {});
    };
    signal.addEventListener("abort", onAbort, { once: true });
    connecting.then(
      (c) => {
        signal.removeEventListener("abort", onAbort);
        resolve(c);
      },
      (err) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
