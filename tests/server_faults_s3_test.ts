import assert from "node:assert/strict";
import { DeleteBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { startEmbeddedS3 } from "../src/server/s3/embedded_s3.ts";
import { EMBEDDED_S3_CREDENTIALS } from "../src/server/s3/embedded_s3.ts";
import { S3ObjectStore } from "../src/server/s3/object_store.ts";
import { FaultInjector } from "../src/server/faults/fault_injector.ts";
import { faultInjectingHandler } from "../src/server/faults/fault_http_handler.ts";
import { ResilientObjectStore } from "../src/server/faults/resilient_object_store.ts";
import { CircuitBreaker } from "../src/server/faults/circuit_breaker.ts";
import { DeadLetterQueue } from "../src/server/faults/dead_letter_queue.ts";
import { scaledRetryPolicy } from "../src/server/faults/retry_policy.ts";
import { DlqReplayer } from "../src/server/faults/dlq_replayer.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function withS3(
  fn: (s3: ResilientObjectStore, faults: FaultInjector, raw: S3ObjectStore) => Promise<void>,
) {
  const embedded = await startEmbeddedS3();
  const faults = new FaultInjector();
  const raw = await S3ObjectStore.open(
    { endpoint: embedded.endpoint, bucket: "akidb-test", ...EMBEDDED_S3_CREDENTIALS },
    (inner) => faultInjectingHandler(inner, faults),
  );
  const breaker = new CircuitBreaker({
    windowMs: 60_000,
    minRequests: 10,
    errorRateThreshold: 0.5,
    cooldownMs: 200,
    halfOpenSuccesses: 3,
  });
  const s3 = new ResilientObjectStore(
    raw,
    scaledRetryPolicy(0.001),
    breaker,
    new DeadLetterQueue(),
  );
  try {
    await fn(s3, faults, raw);
  } finally {
    raw.close();
    await embedded.close();
  }
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 251);

Deno.test("s3: objects round-trip through s3rver and are counted", opts, async () => {
  await withS3(async (s3) => {
    const ok = await s3.upload({
      collectionId: "c1",
      key: "collections/c1/snapshot.bin",
      purpose: "snapshot",
      bytes: () => Promise.resolve(bytes(5000)),
    });
    assert.equal(ok, true);
    assert.deepEqual(await s3.download("collections/c1/snapshot.bin"), bytes(5000));
    assert.equal(await s3.head("collections/c1/snapshot.bin"), 5000);
    await s3.remove("collections/c1/snapshot.bin");
    assert.equal(await s3.head("collections/c1/snapshot.bin"), null);
    assert.equal(s3.uploads, 1);
    assert.equal(s3.downloads, 1);
    assert.equal(s3.retries, 0);
    assert.deepEqual(s3.counters(), {
      uploads: 1,
      downloads: 1,
      retries: 0,
      permanent_failures: 0,
    });
  });
});

Deno.test(
  "s3: injected errors are retried 5 times, then dead-lettered; replay lands",
  opts,
  async () => {
    await withS3(async (s3, faults, raw) => {
      faults.set({ s3_latency_ms: 0, s3_error_rate: 1, s3_throttle_rate: 0 });
      let uploadedHook = 0;
      const ok = await s3.upload({
        collectionId: "c2",
        key: "k2",
        purpose: "demote_to_cold",
        bytes: () => Promise.resolve(bytes(10)),
        onUploaded: () => Promise.resolve(void uploadedHook++),
      });
      assert.equal(ok, false);
      assert.equal(s3.retries, 5);
      assert.equal(s3.dlq.size(), 1);
      const [letter] = s3.dlq.entries();
      assert.equal(letter.attempts, 6);
      assert.equal(letter.permanent, false);
      assert.match(letter.error, /InternalError \(500\)/);
      assert.equal(faults.settings().injected_errors, 6);
      assert.equal(await raw.head("k2").catch(() => "unreachable"), "unreachable");

      faults.clear();
      s3.breaker.reset();
      const result = await s3.retryDeadLetters("c2");
      assert.deepEqual(result, {
        collection_id: "c2",
        retried_count: 1,
        success_count: 1,
        failed_count: 0,
      });
      assert.equal(uploadedHook, 1);
      assert.equal(await raw.head("k2"), 10);
      assert.equal(s3.dlq.size(), 0);
    });
  },
);

Deno.test(
  "s3: dead letters replay on their own once the breaker lets requests through, and close it",
  opts,
  async () => {
    await withS3(async (s3, faults, raw) => {
      faults.set({ s3_latency_ms: 0, s3_error_rate: 1, s3_throttle_rate: 0 });
      const upload = (key: string) =>
        s3.upload({
          collectionId: "c",
          key,
          purpose: "batch",
          bytes: () => Promise.resolve(bytes(7)),
        });
      // 6 failed attempts, then 4 more open the breaker; the third fails fast.
      assert.deepEqual([await upload("a"), await upload("b"), await upload("c")], [
        false,
        false,
        false,
      ]);
      assert.equal(s3.breaker.state(), "open");
      assert.equal(s3.dlq.size(), 3);
      const injected = faults.settings().injected_errors;
      assert.equal(await s3.drainDeadLetters(), 0, "nothing replays while the breaker is open");
      assert.equal(faults.settings().injected_errors, injected, "no request reached S3");
      assert.equal(s3.dlq.size(), 3);

      faults.clear();
      while (s3.breaker.state() === "open") await new Promise((r) => setTimeout(r, 20));
      const replayer = new DlqReplayer(s3, 5);
      replayer.start();
      try {
        while (s3.dlq.size() > 0) await new Promise((r) => setTimeout(r, 5));
      } finally {
        await replayer.stop();
      }
      // Three half-open successes (the test breaker's halfOpenSuccesses) closed it.
      assert.equal(s3.breaker.state(), "closed");
      assert.equal(s3.dlqReplayed, 3);
      assert.match(s3.counterText(), /^akidb_dlq_replayed_total 3$/m);
      for (const key of ["a", "b", "c"]) assert.equal(await raw.head(key), 7, key);
    });
  },
);

Deno.test(
  "s3: a failing replay puts the rest of the round back untouched",
  opts,
  async () => {
    await withS3(async (s3, faults) => {
      faults.set({ s3_latency_ms: 0, s3_error_rate: 1, s3_throttle_rate: 0 });
      for (const key of ["a", "b"]) {
        await s3.upload({
          collectionId: "c",
          key,
          purpose: "batch",
          bytes: () => Promise.resolve(bytes(3)),
        });
      }
      s3.breaker.reset();
      const before = s3.dlq.entries().map((e) => [e.objectKey, e.attempts]);
      assert.equal(await s3.drainDeadLetters(), 0);
      // "a" was tried again (6 more attempts, too few to open the breaker again);
      // "b" went back as it was.
      const after = Object.fromEntries(s3.dlq.entries().map((e) => [e.objectKey, e.attempts]));
      assert.equal(after.b, Object.fromEntries(before).b);
      assert.ok(after.a > Object.fromEntries(before).a, JSON.stringify(after));
    });
  },
);

Deno.test("s3: opening an existing bucket survives a failed HeadBucket", opts, async () => {
  const embedded = await startEmbeddedS3();
  const settings = {
    endpoint: embedded.endpoint,
    bucket: "akidb-test",
    ...EMBEDDED_S3_CREDENTIALS,
  };
  try {
    (await S3ObjectStore.open(settings)).close();
    // Only the first request, HeadBucket, fails; CreateBucket then finds the bucket there.
    const draws = [0];
    const faults = new FaultInjector(() => draws.shift() ?? 1);
    faults.set({ s3_latency_ms: 0, s3_error_rate: 0.5, s3_throttle_rate: 0 });
    const store = await S3ObjectStore.open(
      settings,
      (inner) => faultInjectingHandler(inner, faults),
    );
    assert.equal(faults.settings().injected_errors, 1);
    assert.equal(await store.head("missing"), null);
    store.close();
  } finally {
    await embedded.close();
  }
});

Deno.test("s3: throttling answers 503 SlowDown; permanent 404 is not retried", opts, async () => {
  await withS3(async (s3, faults) => {
    faults.set({ s3_latency_ms: 0, s3_error_rate: 0, s3_throttle_rate: 1 });
    await assert.rejects(() => s3.download("missing"), /SlowDown \(503\)/);
    assert.equal(faults.settings().injected_throttles, 6);
    faults.clear();
    s3.breaker.reset();
    const retriesBefore = s3.retries;
    await assert.rejects(() => s3.download("missing"), /NoSuchKey \(404\)/);
    assert.equal(s3.retries, retriesBefore);
    assert.equal(s3.permanentFailures, 1);
  });
});

Deno.test(
  "s3: breaker opens on errors, fails fast, half-opens, closes on successes",
  opts,
  async () => {
    await withS3(async (s3, faults) => {
      faults.set({ s3_latency_ms: 0, s3_error_rate: 1, s3_throttle_rate: 0 });
      await assert.rejects(() => s3.head("a")); // 6 failed requests
      await assert.rejects(() => s3.head("a")); // 4 more reach S3, then the breaker opens
      assert.equal(s3.breaker.state(), "open");
      assert.equal(faults.settings().injected_errors, 10);
      await assert.rejects(() => s3.head("a"), /circuit breaker open/);
      assert.equal(faults.settings().injected_errors, 10, "open breaker must not reach S3");
      assert.equal(s3.breaker.errorRate(), 1);
      assert.match(s3.counterText(), /^akidb_circuit_breaker_trips_total 1$/m);

      faults.clear();
      await new Promise((r) => setTimeout(r, 250));
      assert.equal(s3.breaker.state(), "half_open");
      for (let i = 0; i < 3; i++) assert.equal(await s3.head("a"), null);
      assert.equal(s3.breaker.state(), "closed");
    });
  },
);

Deno.test(
  "s3: injected latency delays every request; duration_s expires faults",
  opts,
  async () => {
    await withS3(async (s3, faults) => {
      faults.set({ s3_latency_ms: 150, s3_error_rate: 0, s3_throttle_rate: 0, duration_s: 0.4 });
      const t0 = performance.now();
      assert.equal(await s3.head("x"), null);
      assert.ok(performance.now() - t0 >= 140);
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(faults.settings().active, false);
      assert.equal(faults.decide().delayMs, 0);
    });
  },
);

Deno.test(
  "s3: a permanent error (404 NoSuchBucket) goes to the DLQ without retries",
  opts,
  async () => {
    const embedded = await startEmbeddedS3();
    const raw = await S3ObjectStore.open({
      endpoint: embedded.endpoint,
      bucket: "akidb-gone",
      ...EMBEDDED_S3_CREDENTIALS,
    });
    const admin = new S3Client({
      endpoint: embedded.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: EMBEDDED_S3_CREDENTIALS,
    });
    try {
      await admin.send(new DeleteBucketCommand({ Bucket: "akidb-gone" }));
      const s3 = new ResilientObjectStore(
        raw,
        scaledRetryPolicy(0.001),
        new CircuitBreaker(),
        new DeadLetterQueue(),
      );
      const ok = await s3.upload({
        collectionId: "c",
        key: "k",
        purpose: "batch",
        bytes: () => Promise.resolve(bytes(3)),
      });
      assert.equal(ok, false);
      assert.equal(s3.retries, 0);
      assert.equal(s3.permanentFailures, 1);
      const [letter] = s3.dlq.entries();
      assert.equal(letter.permanent, true);
      assert.equal(letter.attempts, 1);
      assert.match(letter.error, /NoSuchBucket \(404\)/);
    } finally {
      admin.destroy();
      raw.close();
      await embedded.close();
    }
  },
);
