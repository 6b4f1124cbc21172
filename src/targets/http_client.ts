import { type ErrorClass, TargetError } from "./target.ts";

/** Headers and signal of one request. */
export interface CallOptions {
  signal?: AbortSignal;
  apiKey?: string;
  /** Status codes that are answers rather than failures (e.g. 404 → "absent"). */
  accept?: number[];
}

/**
 * JSON over HTTP with a kept-alive connection pool (Deno's fetch reuses connections), mapping
 * every failure to a TargetError: 4xx/5xx with the server's message (JSON {"error"} or AkiDB's
 * plain text), network failures as "connection", aborts as "timeout", unreadable bodies as
 * "invalid_response".
 */
export class HttpClient {
  readonly #base: string;
  readonly #client: Deno.HttpClient;

  /** `defaultKey` is sent when a call names no key (e.g. the admin key of a tenancy server). */
  constructor(baseUrl: string, readonly defaultKey?: string) {
    this.#base = baseUrl.replace(/\/+$/, "");
    this.#client = Deno.createHttpClient({ poolIdleTimeout: 30_000 });
  }

  get baseUrl(): string {
    return this.#base;
  }

  /** Sends a request; resolves to [status, parsed JSON body or null]. */
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
    let res: Response;
    try {
      res = await fetch(`${this.#base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: opts.signal,
        client: this.#client,
      });
    } catch (err) {
      if (opts.signal?.aborted) throw new TargetError("timeout", `${method} ${path}: timed out`);
      throw new TargetError("connection", `${method} ${path}: ${(err as Error).message}`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (opts.signal?.aborted) throw new TargetError("timeout", `${method} ${path}: timed out`);
      throw new TargetError("connection", `${method} ${path}: ${(err as Error).message}`);
    }
    if (!res.ok && !opts.accept?.includes(res.status)) {
      const cls: ErrorClass = res.status >= 500 ? "http_5xx" : "http_4xx";
      throw new TargetError(cls, `${method} ${path}: ${res.status} ${errorText(text)}`, res.status);
    }
    if (text === "") return [res.status, null];
    try {
      return [res.status, JSON.parse(text)];
    } catch {
      if (!res.ok) return [res.status, null];
      throw new TargetError(
        "invalid_response",
        `${method} ${path}: expected JSON, got ${JSON.stringify(text.slice(0, 80))}`,
        res.status,
      );
    }
  }

  close(): void {
    this.#client.close();
  }
}

/** The server's error message: `{"error": …}` JSON, or the plain text AkiDB sends. */
function errorText(text: string): string {
  try {
    const body = JSON.parse(text);
    if (body && typeof body.error === "string") return body.error;
  } catch {
    // AkiDB answers most errors as plain text.
  }
  return text.trim().slice(0, 200) || "(empty body)";
}
