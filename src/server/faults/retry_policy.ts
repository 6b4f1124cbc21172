/** How often and how patiently a failed S3 request is retried. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Delay before the first retry; doubles for each following one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** AkiDB's documented policy: retry 5 times, backoff 1 s doubling up to 64 s. */
export const AKIDB_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 1000,
  maxDelayMs: 64_000,
};

/** AkiDB's policy with every delay multiplied by `scale` (tests use 0.001: 1 ms … 64 ms). */
export function scaledRetryPolicy(scale: number): RetryPolicy {
  return {
    maxRetries: AKIDB_RETRY_POLICY.maxRetries,
    baseDelayMs: AKIDB_RETRY_POLICY.baseDelayMs * scale,
    maxDelayMs: AKIDB_RETRY_POLICY.maxDelayMs * scale,
  };
}

/** Delay before retry number `retry` (1-based). */
export function backoffDelayMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.baseDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
}
