import assert from "node:assert/strict";
import { CircuitBreaker } from "../src/server/faults/circuit_breaker.ts";
import { DeadLetterQueue } from "../src/server/faults/dead_letter_queue.ts";
import { backoffDelayMs, scaledRetryPolicy } from "../src/server/faults/retry_policy.ts";
import { FaultInjector } from "../src/server/faults/fault_injector.ts";

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const config = {
  windowMs: 60_000,
  minRequests: 10,
  errorRateThreshold: 0.5,
  cooldownMs: 30_000,
  halfOpenSuccesses: 10,
};

Deno.test("breaker: needs ≥ 10 requests and > 50 % errors in the window to open", () => {
  const c = clock();
  const b = new CircuitBreaker(config, c.now);
  for (let i = 0; i < 9; i++) b.recordFailure();
  assert.equal(b.state(), "closed", "9 requests are too few");
  for (let i = 0; i < 10; i++) b.recordSuccess();
  b.recordFailure(); // 10 failures of 20: exactly 50 % is not above
  assert.equal(b.state(), "closed");
  b.recordFailure(); // 11 of 21
  assert.equal(b.state(), "open");
  assert.equal(b.allowRequest(), false);
  assert.equal(b.trips(), 1);
});

Deno.test("breaker: old outcomes leave the window", () => {
  const c = clock();
  const b = new CircuitBreaker(config, c.now);
  for (let i = 0; i < 9; i++) b.recordFailure();
  c.advance(60_001);
  assert.equal(b.errorRate(), 0);
  b.recordFailure();
  assert.equal(b.state(), "closed");
});

Deno.test("breaker: half-opens after the cooldown, closes after 10 successes, reopens on a failure", () => {
  const c = clock();
  const b = new CircuitBreaker(config, c.now);
  for (let i = 0; i < 10; i++) b.recordFailure();
  assert.equal(b.state(), "open");
  c.advance(29_999);
  assert.equal(b.state(), "open");
  c.advance(1);
  assert.equal(b.state(), "half_open");
  for (let i = 0; i < 5; i++) b.recordSuccess();
  b.recordFailure();
  assert.equal(b.state(), "open", "a failure while half-open reopens");
  assert.equal(b.trips(), 2);
  c.advance(30_000);
  for (let i = 0; i < 9; i++) b.recordSuccess();
  assert.equal(b.state(), "half_open");
  b.recordSuccess();
  assert.equal(b.state(), "closed");
  assert.deepEqual(b.reset(), { previous: "closed", next: "closed" });
});

Deno.test("retry policy: 5 retries, 1 s doubling capped at 64 s, scalable", () => {
  const p = scaledRetryPolicy(1);
  assert.equal(p.maxRetries, 5);
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((r) => backoffDelayMs(p, r)), [
    1000,
    2000,
    4000,
    8000,
    16000,
    32000,
    64000,
    64000,
  ]);
  assert.equal(backoffDelayMs(scaledRetryPolicy(0.001), 3), 4);
});

Deno.test("dlq: bounded, drops the oldest entry and counts it", () => {
  const q = new DeadLetterQueue(3);
  const entry = (collectionId: string, key: string) => ({
    collectionId,
    objectKey: key,
    purpose: "batch",
    error: "x",
    permanent: false,
    attempts: 6,
    replay: () => Promise.resolve(),
  });
  q.add(entry("a", "1"));
  q.add(entry("b", "2"));
  q.add(entry("a", "3"));
  q.add(entry("a", "4"));
  assert.equal(q.size(), 3);
  assert.equal(q.dropped(), 1);
  assert.deepEqual(q.takeForCollection("a").map((e) => e.objectKey), ["3", "4"]);
  assert.equal(q.size(), 1);
  q.discardCollection("b");
  assert.equal(q.size(), 0);
  // The automatic replay takes only what a later attempt may land, not permanent failures.
  q.add({ ...entry("a", "5"), permanent: true });
  q.add(entry("b", "6"));
  assert.equal(q.retryableCount(), 1);
  assert.deepEqual(q.takeRetryable().map((e) => e.objectKey), ["6"]);
  assert.deepEqual(q.entries().map((e) => e.objectKey), ["5"]);
  assert.equal(q.retryableCount(), 0);
});

Deno.test("faults: throttle and error rates split one draw; latency applies to every request", () => {
  const draws = [0.1, 0.3, 0.5, 0.9];
  const f = new FaultInjector(() => draws.shift()!);
  f.set({ s3_latency_ms: 20, s3_error_rate: 0.3, s3_throttle_rate: 0.2 });
  assert.deepEqual(
    [f.decide(), f.decide(), f.decide(), f.decide()].map((d) => `${d.delayMs}:${d.failure}`),
    ["20:throttle", "20:error", "20:null", "20:null"],
  );
  const s = f.settings();
  assert.equal(s.injected_errors, 1);
  assert.equal(s.injected_throttles, 1);
  assert.equal(s.delayed_requests, 4);
});

Deno.test("faults: a change of faults ends the delays in progress", () => {
  const f = new FaultInjector();
  f.set({ s3_latency_ms: 600_000, s3_error_rate: 0, s3_throttle_rate: 0 });
  const first = f.decide();
  f.set({ s3_latency_ms: 600_000, s3_error_rate: 0, s3_throttle_rate: 0 });
  const second = f.decide();
  assert.equal(first.changed.aborted, true, "set() lets the earlier delays go");
  assert.equal(second.changed.aborted, false);
  f.clear();
  assert.equal(second.changed.aborted, true, "clear() lets them go");
});
