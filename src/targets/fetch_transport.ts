import type { HttpTransport, TransportResponse } from "./http_transport.ts";
import { TargetError } from "./target.ts";

/** HttpTransport over Deno's fetch with its own kept-alive connection pool (any URL scheme). */
export class FetchTransport implements HttpTransport {
  readonly #base: string;
  readonly #client = Deno.createHttpClient({ poolIdleTimeout: 30_000 });

  constructor(baseUrl: string) {
    this.#base = baseUrl.replace(/\/+$/, "");
  }

  async send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | Uint8Array<ArrayBuffer> | undefined,
    signal?: AbortSignal,
  ): Promise<TransportResponse> {
    try {
      const res = await fetch(`${this.#base}${path}`, {
        method,
        headers,
        body,
        signal,
        client: this.#client,
      });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      if (signal?.aborted) throw new TargetError("timeout", "timed out");
      throw new TargetError("connection", (err as Error).message);
    }
  }

  close(): void {
    this.#client.close();
  }
}
