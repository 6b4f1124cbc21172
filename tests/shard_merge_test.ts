import assert from "node:assert/strict";
import * as hdr from "hdr-histogram-js";
import type { Dataset } from "../src/dataset/dataset.ts";
import { runLoad, runShard, type Shard } from "../src/load/engine.ts";
import type { PlannedRequest } from "../src/plan/request_plan.ts";
import { planCollections } from "../src/plan/layout.ts";
import { scenarioLoadSpec, scenarioPlan } from "../src/plan/scenario_load.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import type { LoadSpec } from "../src/load/load_spec.ts";
import { makeRateProfile } from "../src/load/rate_profile.ts";
import { mergeLoads } from "../src/shard/merge_shards.ts";
import { VirtualClock } from "./virtual_clock.ts";

/** Every value of an encoded µs histogram, smallest first (rank by rank). */
function values(encoded: string): number[] {
  const h = hdr.decodeFromCompressedBase64(encoded);
  const n = h.totalCount;
  return Array.from({ length: n }, (_, i) => h.getValueAtPercentile((100 * (i + 0.5)) / n));
}

function stallSpec(maxInFlight: number): LoadSpec {
  return {
    durationS: 4,
    arrivals: "poisson",
    overflow: "queue",
    timeoutMs: 5000,
    seed: 9,
    streams: [{
      tenant: "",
      profile: makeRateProfile({ type: "constant", qps: 50 }, 4, 9),
      maxInFlight,
    }],
  };
}

/** On virtual time: a target answering in 1 ms that holds what arrives in [1500, 2500) until then. */
function stallingTarget(clock: VirtualClock) {
  return () => {
    const now = clock.now();
    return clock.at(now >= 1500 && now < 2500 ? 2500 : now + 1);
  };
}

const factory = (_: unknown, index: number) => ({
  label: { operation: index % 3 === 0 ? "insert" : "search", tenant: "" },
  request: index,
});

for (const count of [2, 3]) {
  Deno.test(`shards: a 1 s stall at 50 QPS gives the same percentiles in ${count} merged shards as in one run`, async () => {
    // In-flight room for every stalled request, in one run and in each shard's share, so that
    // every request completes at max(sent + 1 ms, 2500 ms) either way.
    const spec = stallSpec(60);
    const clock = new VirtualClock();
    const single = await runLoad(spec, factory, stallingTarget(clock), { clock });
    const shards = [];
    for (let index = 0; index < count; index++) {
      const c = new VirtualClock();
      const { result, perSecond } = await runShard(spec, factory, stallingTarget(c), {
        clock: c,
        shard: { index, count },
        startAtMs: 0,
      });
      shards.push({ load: result, perSecond, startEpochMs: 1_000_000, phases: [] });
    }
    const merged = mergeLoads(shards);
    assert.equal(merged.totals.total_requests, single.totals.total_requests);
    assert.deepEqual(
      merged.operations.map((o) => [o.operation, o.requests, o.successful]),
      single.operations.map((o) => [o.operation, o.requests, o.successful]),
    );
    const all = (o: typeof single) => o.operations.find((s) => s.operation === "all")!;
    // A handful of stalled requests wait ≥ 100 ms in both; the percentiles agree to within the
    // virtual clock's 0.01 ms turns.
    assert.ok(all(single).latency_ms.p99 > 500, `p99 ${all(single).latency_ms.p99}`);
    for (const p of ["p50", "p90", "p95", "p99", "p999", "max"] as const) {
      const a = all(single).latency_ms[p], b = all(merged).latency_ms[p];
      assert.ok(Math.abs(a - b) <= 0.1, `${p}: one run ${a} ms, ${count} shards ${b} ms`);
    }
    const slow = (o: typeof single) =>
      values(all(o).histograms.latency_us).filter((v) => v > 100_000).length;
    assert.equal(slow(merged), slow(single));
    assert.deepEqual(
      merged.perSecond.map((p) => [p.t, p.offered, p.achieved]),
      single.perSecond.map((p) => [p.t, p.offered, p.achieved]),
    );
  });
}

Deno.test("shards: the merged histogram holds, count for count, every shard's samples", async () => {
  const spec = stallSpec(60);
  const shards = [];
  const samples: number[] = [];
  for (let index = 0; index < 3; index++) {
    const c = new VirtualClock();
    const { result, perSecond } = await runShard(spec, factory, stallingTarget(c), {
      clock: c,
      shard: { index, count: 3 },
      startAtMs: 0,
    });
    // The shard's own samples, from the per-second histograms (another path than its cells).
    for (const p of perSecond) if (p.latency_us) samples.push(...values(p.latency_us));
    shards.push({ load: result, perSecond, startEpochMs: 5000, phases: [] });
  }
  const merged = mergeLoads(shards);
  const all = merged.operations.find((o) => o.operation === "all")!;
  assert.deepEqual(values(all.histograms.latency_us), samples.sort((a, b) => a - b));
  assert.equal(all.requests, shards.reduce((n, s) => n + s.load.sends, 0));
  assert.ok(all.requests > 150, `${all.requests} requests`);
});

const PLAN_YAML = `name: plan
seed: 11
duration: 6s
arrivals: poisson
mix: { search: 40, insert: 20, update: 15, delete: 15, metadata: 10 }
dataset: { size: 120, dim: 4, metric: cosine, k: 10, collections: 2 }
tenants:
  - { name: a, qps: 40, concurrency: 4 }
  - { name: b, qps: 25, concurrency: 3 }
recall: { share: 50%, k: 5 }
criteria: [p95 < 1s]
`;

/** What a request does, as text: operation, stream, document (or query) and vector. */
function describe(r: PlannedRequest): string {
  const doc = "docId" in r ? r.docId : "query" in r ? `q${r.query}` : "";
  const vector = "vector" in r ? Array.from(r.vector.slice(0, 2), (x) => x.toFixed(5)) : [];
  return `${r.op} ${r.tenant} c${r.collection} ${doc} ${vector}`;
}

/** Every request one engine run (or shard) sends with RequestPlan as its factory. */
async function plannedRequests(shard?: Shard): Promise<string[]> {
  const scenario = parseScenario(PLAN_YAML, "plan.yaml", "full");
  const collections = planCollections(scenario);
  const n = scenario.dataset.size * 2;
  const dataset = {
    dim: 4,
    train: Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i)),
    test: Float32Array.from({ length: 20 * 4 }, (_, i) => Math.cos(i)),
    queries: 20,
  } as unknown as Dataset;
  const plan = scenarioPlan(scenario, collections, dataset, false);
  const sent: string[] = [];
  const clock = new VirtualClock();
  await runShard(scenarioLoadSpec(scenario), plan.next, (r) => {
    sent.push(describe(r));
    return clock.at(clock.now() + 1);
  }, { clock, shard, startAtMs: 0, skip: plan.skip });
  return sent;
}

Deno.test("shards: N shards of a seeded RequestPlan send exactly one run's requests, and each document's update or delete in one shard only", async () => {
  const single = await plannedRequests();
  assert.ok(single.length > 300, `${single.length} requests`);
  assert.ok(
    single.some((r) => r.startsWith("update")) && single.some((r) => r.startsWith("delete")),
  );
  for (const count of [2, 3]) {
    const shards = [];
    for (let index = 0; index < count; index++) {
      shards.push(await plannedRequests({ index, count }));
    }
    assert.deepEqual(shards.flat().sort(), [...single].sort(), `${count} shards`);
    const owner = new Map<string, number>();
    shards.forEach((sent, i) => {
      for (const r of sent) {
        const [op, , , doc] = r.split(" ");
        if (op !== "update" && op !== "delete") continue;
        assert.equal(owner.get(doc) ?? i, i, `${doc} written by shards ${owner.get(doc)} and ${i}`);
        owner.set(doc, i);
      }
    });
  }
});
