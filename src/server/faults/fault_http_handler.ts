import { Readable } from "node:stream";
import type { FaultInjector } from "./fault_injector.ts";
import { setTimeout as sleep } from "node:timers/promises";
import type { SdkHttpHandler } from "../s3/object_store.ts";

const FAILURES = {
  error: { status: 500, reason: "Internal Server Error", code: "InternalError" },
  throttle: { status: 503, reason: "Slow Down", code: "SlowDown" },
} as const;

function errorResponse(kind: keyof typeof FAILURES) {
  const f = FAILURES[kind];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${f.code}</Code>` +
    `<Message>injected by akidb faults</Message><RequestId>fault</RequestId></Error>`;
  const body = new TextEncoder().encode(xml);
  return {
    statusCode: f.status,
    reason: f.reason,
    headers: { "content-type": "application/xml", "content-length": String(body.length) },
    body: Readable.from([body]),
  };
}

/**
 * Wraps the S3 client's HTTP handler so every S3 request first gets the injected latency (cut
 * short when the faults change) and may then be answered with a real S3 error document (500
 * InternalError or 503 SlowDown) that the SDK parses like any server error.
 */
export function faultInjectingHandler(
  inner: SdkHttpHandler,
  faults: FaultInjector,
): SdkHttpHandler {
  return {
    async handle(request, options) {
      const decision = faults.decide();
      if (decision.delayMs > 0) {
        await sleep(decision.delayMs, undefined, { signal: decision.changed }).catch(() => {});
      }
      if (decision.failure !== null) return { response: errorResponse(decision.failure) };
      return await inner.handle(request, options);
    },
    destroy: () => inner.destroy?.(),
    updateHttpClientConfig: (key, value) => inner.updateHttpClientConfig?.(key, value),
    httpHandlerConfigs: () => inner.httpHandlerConfigs?.() ?? {},
  };
}
