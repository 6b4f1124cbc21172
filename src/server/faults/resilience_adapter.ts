import type { Resilience } from "../server_env.ts";
import { BREAKER_STATE_CODE } from "./circuit_breaker.ts";
import type { ResilientObjectStore } from "./resilient_object_store.ts";

/** The core's Resilience view (DLQ retry, breaker state and reset) of the S3 path. */
export function resilienceOf(s3: ResilientObjectStore): Resilience {
  return {
    dlqSize: () => s3.dlq.size(),
    retryDlq: async (collectionId) => {
      const r = await s3.retryDeadLetters(collectionId);
      return { retried: r.retried_count, succeeded: r.success_count, failed: r.failed_count };
    },
    breakerState: () => BREAKER_STATE_CODE[s3.breaker.state()] as 0 | 1 | 2,
    breakerErrorRate: () => s3.breaker.errorRate(),
    s3Counters: () => s3.counters(),
    resetBreaker: () => {
      const { previous, next } = s3.breaker.reset();
      return { previous, current: next };
    },
  };
}
