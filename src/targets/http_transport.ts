/** How HttpClient talks HTTP: its own HTTP/1.1 pool over Deno.connect, or Deno's fetch. */
export type TransportKind = "http1" | "fetch";

export const TRANSPORT_KINDS: readonly TransportKind[] = ["http1", "fetch"];

/** A status and the body as text. */
export interface TransportResponse {
  status: number;
  text: string;
}

/**
 * Sends one HTTP request over kept-alive connections. Failures are TargetErrors: "connection"
 * (refused, reset, closed early), "timeout" (the signal fired), "invalid_response" (not HTTP);
 * any status, 4xx/5xx included, is a response.
 */
export interface HttpTransport {
  send(
    method: string,
    path: string,
    headers: Record<string, string>,
    /** JSON text, or its UTF-8 bytes (shared: the transport never writes into them). */
    body: string | Uint8Array<ArrayBuffer> | undefined,
    signal?: AbortSignal,
  ): Promise<TransportResponse>;
  /** Closes every connection; requests in flight fail. */
  close(): void;
}
