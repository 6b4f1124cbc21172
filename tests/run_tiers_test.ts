import assert from "node:assert/strict";
import { TierPredictor } from "../src/plan/request_plan_tiers.ts";
import {
  encodeHistogram,
  initHistograms,
  newHistogram,
  recordMs,
  summarize,
} from "../src/metrics/histogram.ts";
import type { TrafficStats } from "../src/result/run_result.ts";
import { withMergedTiers } from "../src/run/tier_traffic.ts";
import { ReferenceTarget } from "../src/targets/reference.ts";

Deno.test("tier prediction follows the policy: idle demotes, access promotes", () => {
  const t = new TierPredictor(2, {
    hotToWarmIdleS: 5,
    warmToColdIdleS: 10,
    warmToHotAccesses: 3,
    warmToHotWindowS: 2,
  }, 0);
  assert.equal(t.access(0, 1), "hot");
  assert.equal(t.access(0, 7), "warm", "idle 6 s ≥ 5 s: hot → warm");
  assert.equal(t.access(0, 7.5), "warm");
  assert.equal(t.access(0, 8), "warm", "third access within 2 s …");
  assert.equal(t.access(0, 8.5), "hot", "… promoted it to hot");
  assert.equal(t.access(1, 20), "cold", "idle 20 s ≥ 10 s: cold");
  assert.equal(t.access(1, 21), "warm", "cold → warm on first access");
});

Deno.test("tier prediction starts from the target's tiers when given them", () => {
  const policy = {
    hotToWarmIdleS: 5,
    warmToColdIdleS: 10,
    warmToHotAccesses: 3,
    warmToHotWindowS: 2,
  };
  const t = new TierPredictor(3, policy, 100, [
    { tier: "cold", idleS: 30 },
    { tier: "hot", idleS: 6 },
    { tier: "warm", idleS: 1 },
  ]);
  assert.equal(t.access(0, 100.5), "cold", "demoted during setup: the first search meets cold");
  assert.equal(t.access(0, 101), "warm");
  assert.equal(t.access(1, 100.5), "warm", "hot but idle 6.5 s by now: demoted");
  assert.equal(t.access(2, 100.5), "warm");
  assert.equal(new TierPredictor(1, policy, 100).access(0, 100.5), "hot", "default: just loaded");
});

Deno.test("the akidb target reads a collection's tier and idle time from the server", async () => {
  const target = await ReferenceTarget.start({ tiering: true });
  try {
    const id = await target.createCollection({ name: "c", dimension: 16, metric: "cosine" });
    const fresh = await target.collectionTier(id);
    assert.equal(fresh.tier, "hot");
    assert.ok(fresh.idleS >= 0 && fresh.idleS < 60, `${fresh.idleS}`);
    await target.http.call("POST", `/api/v1/collections/${id}/tier`, { action: "demote_to_cold" });
    assert.equal((await target.collectionTier(id)).tier, "cold");
    assert.equal((await target.collectionTier(id)).tier, "cold", "reading it is no access");
  } finally {
    await target.close();
  }
});

function stats(operation: string, values: number[]): TrafficStats {
  const h = newHistogram();
  for (const v of values) recordMs(h, v);
  const s: TrafficStats = {
    operation,
    requests: values.length,
    successful: values.length,
    failed: 0,
    dropped: 0,
    errors_by_class: {},
    latency_ms: summarize(h),
    service_time_ms: summarize(h),
    histograms: { latency_us: encodeHistogram(h), service_time_us: encodeHistogram(h) },
  };
  h.destroy();
  return s;
}

Deno.test("the plain search row is merged losslessly from the tier rows", async () => {
  await initHistograms();
  const hot = Array.from({ length: 900 }, (_, i) => 1 + i / 900);
  const cold = Array.from({ length: 100 }, (_, i) => 500 + i);
  const ops = withMergedTiers([
    stats("all", [...hot, ...cold]),
    stats("insert", [3]),
    stats("search@hot", hot),
    stats("search@cold", cold),
  ]);
  assert.deepEqual(ops.map((o) => o.operation), [
    "all",
    "insert",
    "search",
    "search@hot",
    "search@cold",
  ]);
  const search = ops[2];
  assert.equal(search.requests, 1000);
  assert.deepEqual(search.latency_ms, stats("x", [...hot, ...cold]).latency_ms);
  assert.ok(search.latency_ms.p95 >= 500, "the cold tail shows in the merged p95");
  const plain = [stats("all", [1]), stats("search", [2])];
  assert.equal(withMergedTiers(plain), plain, "nothing to merge without tier rows");
});
