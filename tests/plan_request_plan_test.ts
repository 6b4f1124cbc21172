import assert from "node:assert/strict";
import type { Stream } from "../src/load/load_spec.ts";
import { makeRateProfile } from "../src/load/rate_profile.ts";
import { type PlannedRequest, RequestPlan } from "../src/plan/request_plan.ts";
import { planDocId } from "../src/plan/request_plan_ids.ts";
import { ZipfSampler } from "../src/plan/zipf.ts";
import { collectionPicker } from "../src/plan/collection_access.ts";
import { OperationPicker } from "../src/plan/mix.ts";
import { planCollections } from "../src/plan/layout.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import { encodeAhead, vectorText } from "../src/targets/vector_text.ts";

const YAML = `name: plan
seed: 11
duration: 10s
concurrency: 4
mix: { search: 40, insert: 20, update: 10, delete: 10, metadata: 20 }
dataset: { size: 400, dim: 4, metric: cosine, k: 10, collections: 4, access: { zipf: 1.2 } }
tenants:
  - { name: a, qps: 10, concurrency: 2 }
  - { name: b, qps: 10, concurrency: 2 }
recall: { share: 50%, k: 5 }
criteria: [p95 < 1s]
`;

function setup(seed = 11) {
  const scenario = { ...parseScenario(YAML, "plan.yaml", "full"), seed };
  const collections = planCollections(scenario);
  const train = Float32Array.from({ length: 800 * 4 }, (_, i) => Math.sin(i));
  const test = Float32Array.from({ length: 20 * 4 }, (_, i) => Math.cos(i));
  const plan = new RequestPlan(scenario, collections, { dim: 4, train, test, queries: 20 });
  const streams: Stream[] = scenario.tenants.map((t) => ({
    tenant: t.name,
    profile: makeRateProfile(t.load, 10, seed),
    maxInFlight: t.concurrency,
  }));
  return { plan, streams, collections };
}

function sequence(seed: number, n: number): { label: unknown; request: PlannedRequest }[] {
  const { plan, streams } = setup(seed);
  const out = [];
  for (let i = 0; i < n; i++) out.push(plan.next(streams[i % 2], Math.floor(i / 2), i / 20));
  return out;
}

Deno.test("same seed, same request sequence; another seed, another sequence", () => {
  const a = sequence(11, 2000);
  const b = sequence(11, 2000);
  assert.deepEqual(a, b);
  const c = sequence(12, 2000);
  assert.notDeepEqual(a.map((x) => x.request), c.map((x) => x.request));
});

Deno.test("tenants use only their own collections; ops follow the mix", () => {
  const { plan, streams, collections } = setup();
  const counts: Record<string, number> = {};
  for (let i = 0; i < 4000; i++) {
    const { label, request } = plan.next(streams[i % 2], Math.floor(i / 2), i / 20);
    assert.equal(collections[request.collection].tenant, streams[i % 2].tenant);
    assert.equal(label.tenant, streams[i % 2].tenant);
    counts[request.op] = (counts[request.op] ?? 0) + 1;
  }
  // 400 base rows: updates and deletes never exceed the rows they can take.
  assert.ok(Math.abs(counts.insert / 4000 - 0.2) < 0.03, JSON.stringify(counts));
  assert.ok(Math.abs(counts.metadata / 4000 - 0.2) < 0.03, JSON.stringify(counts));
  assert.ok(counts.update + counts.delete <= 800);
});

Deno.test("updates and deletes never take the same base document twice", () => {
  const { plan, streams, collections } = setup();
  const taken = new Set<number>();
  for (let i = 0; i < 3000; i++) {
    const { request } = plan.next(streams[i % 2], Math.floor(i / 2), i / 20);
    if (request.op === "update" || request.op === "delete") {
      assert.ok(!taken.has(request.row), `row ${request.row} taken twice`);
      taken.add(request.row);
      const c = collections[request.collection];
      assert.ok(request.row >= c.start && request.row < c.end);
      assert.equal(request.docId, planDocId(11, -1, request.row));
    }
  }
  assert.ok(taken.size > 0);
});

Deno.test("measured searches carry a dataset query; others a vector near the collection", () => {
  const { plan, streams } = setup();
  let measured = 0, searches = 0;
  for (let i = 0; i < 2000; i++) {
    const { request } = plan.next(streams[i % 2], Math.floor(i / 2), i / 20);
    if (request.op !== "search") continue;
    searches++;
    if (request.query >= 0) {
      measured++;
      assert.ok(request.query < 20);
    }
    assert.equal(request.vector.length, 4);
  }
  assert.ok(Math.abs(measured / searches - 0.5) < 0.08, `${measured}/${searches}`);
});

Deno.test("plan doc ids are unique UUID v7 strings", () => {
  const ids = new Set<string>();
  for (let a = -1; a < 3; a++) {
    for (let b = 0; b < 5000; b++) ids.add(planDocId(7, a, b));
  }
  assert.equal(ids.size, 4 * 5000);
  for (const id of [planDocId(7, -1, 0), planDocId(7, 3, 2 ** 40)]) {
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
});

Deno.test("Zipf ranks follow 1/(i+1)^s; the op picker follows the shares", () => {
  const z = new ZipfSampler(100, 1);
  const n = 100_000;
  const hits = new Array(100).fill(0);
  for (let i = 0; i < n; i++) hits[z.rank((i + 0.5) / n)]++;
  for (const r of [0, 1, 9, 99]) {
    assert.ok(Math.abs(hits[r] / n - z.probability(r)) < 1e-3, `rank ${r}`);
  }
  assert.ok(Math.abs(z.probability(0) / z.probability(1) - 2) < 1e-9);
  const top20 = hits.slice(0, 20).reduce((a, b) => a + b, 0) / n;
  assert.ok(top20 > 0.6, `top 20% of collections get ${top20}`);
  const p = new OperationPicker({ search: 0.7, insert: 0.2, update: 0, delete: 0, metadata: 0.1 });
  assert.equal(p.pick(0), "search");
  assert.equal(p.pick(0.69), "search");
  assert.equal(p.pick(0.71), "insert");
  assert.equal(p.pick(0.95), "metadata");
});

Deno.test("a sliding Zipf window: oldest member most popular, the rest idle until it wraps", () => {
  const pick = collectionPicker({ type: "zipf", s: 1, window: { size: 5, slideEveryS: 10 } }, 20);
  const z = new ZipfSampler(5, 1);
  const n = 10_000;
  for (const t of [0, 9.9, 10, 35, 155]) {
    const offset = Math.floor(t / 10);
    const hits = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const c = pick((i + 0.5) / n, t);
      hits.set(c, (hits.get(c) ?? 0) + 1);
    }
    const expected = [0, 1, 2, 3, 4].map((r) => (offset + r) % 20);
    assert.deepEqual([...hits.keys()].sort((a, b) => a - b), expected.sort((a, b) => a - b));
    for (let r = 0; r < 5; r++) {
      const share = hits.get((offset + r) % 20)! / n;
      assert.ok(Math.abs(share - z.probability(r)) < 1e-3, `t ${t} rank ${r}: ${share}`);
    }
  }
});

Deno.test("with a sliding window, collections go idle, so the tier labels meet warm and cold", () => {
  const yaml = YAML.replace("{ zipf: 1.2 }", "{ zipf: 1, window: 2, slide_every: 20s }").replace(
    "tenants:",
    "server: { tiering: { hot_to_warm_idle: 15s, warm_to_cold_idle: 30s, " +
      "warm_to_hot_accesses: 3, warm_to_hot_window: 5s } }\ntenants:",
  );
  const scenario = parseScenario(yaml, "plan.yaml", "full");
  const collections = planCollections(scenario);
  const own = collections.flatMap((c, i) => c.tenant === "a" ? [i] : []);
  assert.equal(own.length, 4);
  const train = Float32Array.from({ length: 800 * 4 }, (_, i) => Math.sin(i));
  const test = Float32Array.from({ length: 20 * 4 }, (_, i) => Math.cos(i));
  let now = 0;
  const vectors = { dim: 4, train, test, queries: 20 };
  const plan = new RequestPlan(scenario, collections, vectors, () => now, true);
  const stream: Stream = {
    tenant: "a",
    profile: makeRateProfile({ type: "constant", qps: 10 }, 200, 1),
    maxInFlight: 2,
  };
  const met: Record<string, number> = {};
  for (let i = 0; i < 2000; i++) {
    now = i / 10;
    const { label, request } = plan.next(stream, i, now);
    const offset = Math.floor(now / 20);
    assert.ok([own[offset % 4], own[(offset + 1) % 4]].includes(request.collection), `t ${now}`);
    met[label.operation] = (met[label.operation] ?? 0) + 1;
  }
  // Each collection is in the window for 40 s and out of it for 40 s: its first request after
  // a return meets cold (idle ≥ 30 s), then warm until 3 requests in 5 s make it hot. Only
  // searches (40 % of the mix) carry the tier in their label.
  assert.ok(met["search@cold"] >= 1, JSON.stringify(met));
  assert.ok(met["search@warm"] >= 1, JSON.stringify(met));
  assert.ok(met["search@hot"] > 500, JSON.stringify(met));
});

Deno.test("a measured search carries the dataset query itself, whose text was formatted ahead", () => {
  const { plan, streams } = setup();
  encodeAhead(plan.queryVectors);
  let measured = 0;
  for (let i = 0; i < 2000; i++) {
    const { request } = plan.next(streams[i % 2], Math.floor(i / 2), i / 20);
    if (request.op !== "search" || request.query < 0) continue;
    measured++;
    // The very array formatted ahead (a copy would be formatted again on the send path).
    assert.equal(request.vector, plan.queryVectors[request.query]);
    assert.deepEqual(
      Array.from(request.vector),
      [0, 1, 2, 3].map((j) => Math.fround(Math.cos(request.query * 4 + j))),
    );
    assert.deepEqual(Float32Array.from(JSON.parse(vectorText(request.vector))), request.vector);
  }
  assert.ok(measured > 100, `${measured} measured searches`);
});
