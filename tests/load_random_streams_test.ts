import assert from "node:assert/strict";
import { ArrivalSchedule } from "../src/load/arrival_schedule.ts";
import { makeRateProfile } from "../src/load/rate_profile.ts";
import { RequestPlan } from "../src/plan/request_plan.ts";
import { LOAD_STREAMS_MAX, loadStreamRandom, RANDOM_STREAM } from "../src/random/seeded_random.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";

/** One collection per base row, uniform access: the first pick reveals the plan's first draw. */
const COLLECTIONS = 1000;
const RATE = 100;
const YAML = `name: streams
seed: 1
duration: 10s
concurrency: 4
arrivals: poisson
load: { type: constant, qps: ${RATE} }
mix: { search: 100 }
dataset: { size: ${COLLECTIONS}, dim: 2, metric: l2, k: 1, collections: ${COLLECTIONS} }
criteria: [p95 < 1s]
`;

/** The uniform draw behind the first Poisson gap of load stream 0: gap = −ln(1 − u) / rate. */
function firstArrivalDraw(seed: number): number {
  const profile = makeRateProfile({ type: "constant", qps: RATE }, 10, seed);
  const first = new ArrivalSchedule(profile, "poisson", seed, 0).next()!;
  return 1 - Math.exp(-first * RATE);
}

/** The uniform draw behind the first collection pick of load stream 0 (to within 1/1000). */
function firstRequestDraw(seed: number): number {
  const scenario = { ...parseScenario(YAML, "streams.yaml", "full"), seed };
  const collections = Array.from(
    { length: COLLECTIONS },
    (_, i) => ({ tenant: "", start: i, end: i + 1 }),
  );
  const train = new Float32Array(COLLECTIONS * 2).fill(1);
  const plan = new RequestPlan(scenario, collections, {
    dim: 2,
    train,
    test: new Float32Array(2),
    queries: 1,
  });
  const stream = { tenant: "", profile: makeRateProfile(scenario.load!, 10, seed), maxInFlight: 4 };
  return (plan.next(stream, 0, 0).request.collection + 0.5) / COLLECTIONS;
}

function correlation(a: number[], b: number[]): number {
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(a), mb = mean(b);
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

Deno.test("the first Poisson gap and the first request choice come from different streams", () => {
  // Both once drew from stream 1000 + i: at seed 42 both started with u = 0.631724.
  const arrival = firstArrivalDraw(42), request = firstRequestDraw(42);
  assert.ok(Math.abs(arrival - request) > 0.01, `arrival ${arrival}, request ${request}`);
});

Deno.test("arrival gaps and request choices are uncorrelated over many seeds", () => {
  const seeds = Array.from({ length: 400 }, (_, i) => i + 1);
  const arrivals = seeds.map(firstArrivalDraw);
  const requests = seeds.map(firstRequestDraw);
  // Independent: |r| ≈ N(0, 1/400), so 0.2 is 4 standard deviations; one shared stream gives 1.
  const r = correlation(arrivals, requests);
  assert.ok(Math.abs(r) < 0.2, `correlation ${r}`);
  // Each is still uniform: the mean of 400 uniforms is 0.5 ± 0.014.
  for (const u of [arrivals, requests]) {
    const mean = u.reduce((s, v) => s + v, 0) / u.length;
    assert.ok(Math.abs(mean - 0.5) < 0.06, `mean ${mean}`);
  }
});

Deno.test("the stream registry: fixed ids and per-load-stream ranges never overlap", () => {
  const ranges = Object.entries(RANDOM_STREAM).map(([name, id]) => ({
    name,
    start: id,
    end: name === "arrivals" || name === "requests" ? id + LOAD_STREAMS_MAX : id + 1,
  }));
  for (const a of ranges) {
    for (const b of ranges) {
      if (a === b) continue;
      assert.ok(a.end <= b.start || b.end <= a.start, `${a.name} overlaps ${b.name}`);
    }
  }
  assert.throws(() => loadStreamRandom(1, "requests", LOAD_STREAMS_MAX), RangeError);
  const x = loadStreamRandom(7, "arrivals", 3), y = loadStreamRandom(7, "requests", 3);
  const xs = Array.from({ length: 10_000 }, () => x.next());
  const ys = Array.from({ length: 10_000 }, () => y.next());
  assert.ok(Math.abs(correlation(xs, ys)) < 0.04);
});
