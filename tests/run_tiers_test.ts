import assert from "node:assert/strict";
import { TierPredictor } from "../src/load/request_plan_tiers.ts";
import {
  encodeHistogram,
  initHistograms,
  newHistogram,
  recordMs,
  summarize,
} from "../src/metrics/histogram.ts";
import type { TrafficStats } from "../src/result/run_result.ts";
import { withMergedTiers } from "../src/run/tier_traffic.ts";

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
