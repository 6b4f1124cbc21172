import { FetchTransport } from "./fetch_transport.ts";
import { Http1Pool } from "./http1_pool.ts";
import type { HttpTransport, TransportKind, TransportResponse } from "./http_transport.ts";
import { type ErrorClass, TargetError } from "./target.ts";

/** Headers and signal of one request. */
export interface CallOptions {
  signal?: AbortSignal;
  apiKey?: string;
  /** Status codes that are answers rather than failures (e.g. 404 → "absent"). */
  accept?: number[];
}

/**
 * A request body already serialised as JSON, as text or UTF-8 bytes (sent as is, not stringified
 * again; bytes are shared, never written into).
 */
export class JsonText {
  constructor(readonly text: string | Uint8Array<ArrayBuffer>) {}
}

/**
 * JSON over HTTP with kept-alive connections, mapping every failure to a TargetError: 4xx/5xx
 * with the server's message (JSON {"error"} or AkiDB's plain text), network failures as
 * "connection", aborts as "timeout", unreadable bodies as "invalid_response". The transport is
 * akibench's own HTTP/1.1 pool for http:// URLs (several times fetch's request rate) unless
 * `transport` is "fetch"; https:// URLs always use fetch.
 */
export class HttpClient {
  readonly #base: string;
  readonly #transport: HttpTransport;
  readonly transportKind: TransportKind;

  /** `defaultKey` is sent when a call names no key (e.g. the admin key of a tenancy server). */
  constructor(baseUrl: string, readonly defaultKey?: string, transport: TransportKind = "http1") {
    this.#base = baseUrl.replace(/\/+$/, "");
    this.transportKind = transport === "http1" && /^http:/i.test(this.#base) ? "http1" : "fetch";
    this.#transport = this.transportKind === "http1"
      ? new Http1Pool(this.#base)
      : new FetchTransport(this.#base);
  }

  get baseUrl(): string {
    return this.#base;
  }

  /**
   * Sends a request (`body` is stringified, unless it is JsonText); resolves to [status, parsed
   * JSON body or null].
   */
  async call(
    method: string,
    path: string,
    body: unknown,
    opts: CallOptions = {},
  ): Promise<[number, unknown]> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    const key = opts.apiKey ?? this.defaultKey;
    if (key) headers["authorization"] = `Bearer ${key}`;
    let res: TransportResponse;
    try {
      res = await this.#transport.send(
        method,
        path,
        headers,
        body === undefined
          ? undefined
          : body instanceof JsonText
          ? body.text
          : JSON.stringify(body),
        opts.signal,
      );
    } catch (err) {
      if (!(err instanceof TargetError)) throw err;
      throw new TargetError(err.errorClass, `${method} ${path}: ${err.message}`);
    }
    const { status, text } = res;
    const ok = status >= 200 && status < 300;
    if (!ok && !opts.accept?.includes(status)) {
      const cls: ErrorClass = status >= 500 ? "http_5xx" : "http_4xx";
      throw new TargetError(cls, `${method} ${path}: ${status} ${errorText(text)}`, status);
    }
    if (text === "") return [status, null];
    try {
      return [status, JSON.parse(text)];
    } catch {
      if (!ok) return [status, null];
      throw new TargetError(
        "invalid_response",
        `${method} ${path}: expected JSON, got ${JSON.stringify(text.slice(0, 80))}`,
        status,
      );
    }
  }

  /**
   * Sends a request and returns its status and body text whatever they are; `key` null sends
   * no key at all (the default key is not used), undefined the default key.
   */
  raw(
    method: string,
    path: string,
    key: string | null | undefined,
    body?: unknown,
  ): Promise<TransportResponse> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    const sent = key === null ? undefined : key ?? this.defaultKey;
    if (sent) headers["authorization"] = `Bearer ${sent}`;
    return this.#transport.send(
      method,
      path,
      headers,
      body === undefined ? undefined : JSON.stringify(body),
    );
  }

  close(): void {
    this.#transport.close();
  }
}

/**
 * The server's error message: `{"error": …}` JSON (with Chroma's `message` beside it), or the
 * plain text AkiDB sends.
 */
function errorText(text: string): string {
  try {
    const body = JSON.parse(text);
    if (body && typeof body.error === "string") {
      return typeof body.message === "string" ? `${body.error}: ${body.message}` : body.error;
    }
  } catch {
    // AkiDB answers most errors as plain text.
  }
  return text.trim().slice(0, 200) || "(empty body)";
}
