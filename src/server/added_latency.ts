import { setTimeout as sleep } from "node:timers/promises";
import type { ServerExtensions } from "./server_env.ts";

/**
 * A server made slower on purpose: every request under /api/v1/collections/ waits `ms` before it
 * is handled (a real delay on the wire, not a mock), so that a test or a user can check that
 * `akibench compare` tells a slower server from run-to-run noise (`serve --added-latency-ms`).
 */
export function addedLatencyExtension(ms: number): ServerExtensions {
  return {
    middleware: [async (c, next) => {
      if (c.req.path.startsWith("/api/v1/collections/")) await sleep(ms);
      await next();
    }],
  };
}
