import assert from "node:assert/strict";
import type { Dataset } from "../src/dataset/dataset.ts";
import { probeSustainedRate } from "../src/run/rate_probe.ts";
import { emptyDeployment } from "../src/run/setup.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import type { ScenarioTarget } from "../src/targets/scenario_target.ts";
import { VirtualClock } from "./virtual_clock.ts";

/**
 * The probe on virtual time against a target of known latency: one server answering searches
 * one at a time, `serviceMs` each (capacity 1000 / serviceMs req/s), so a stage's p95 follows
 * from its rate alone, whatever the machine running the test is doing.
 */
const PROBE = `name: Probe
seed: 7
duration: 1s
load: { type: constant, qps: 100 }
concurrency: 32
timeout: 5s
mix: { search: 100 }
dataset: { size: 100, dim: 8, metric: cosine, queries: 10, k: 10 }
probe: { p95: 20ms, start_qps: 100, growth: 2, stage: 1s, max_qps: 1600 }
criteria: [p95 < 1s]
`;

const DIM = 8;
const ROWS = 100;

function dataset(): Dataset {
  const train = Float32Array.from({ length: ROWS * DIM }, (_, i) => Math.sin(i + 1));
  return {
    name: "probe-test",
    metric: "cosine",
    size: ROWS,
    dim: DIM,
    queries: 10,
    k: 10,
    train,
    test: train.slice(0, 10 * DIM),
    neighbors: new Int32Array(0),
    distances: new Float32Array(0),
    hash: "",
  };
}

/** A FIFO server on `clock`: each search waits for the ones before it, then takes `serviceMs`. */
function queueTarget(clock: VirtualClock, serviceMs: number): ScenarioTarget {
  let freeAt = 0;
  return {
    search: async () => {
      freeAt = Math.max(clock.now(), freeAt) + serviceMs;
      await clock.at(freeAt);
      return [];
    },
  } as unknown as ScenarioTarget;
}

/**
 * Makes the generator's thread stall (virtual time jumps `stallMs` every `everyMs` of its
 * sleeps) while `stalling()` is true: its sends fall behind schedule as a saturated generator's do.
 */
function stallWhile(clock: VirtualClock, stalling: () => boolean, everyMs = 100, stallMs = 60) {
  const sleep = clock.sleep;
  let next = 0;
  clock.sleep = async (ms: number) => {
    await sleep(ms);
    if (!stalling()) return;
    if (clock.t >= next) {
      clock.t += stallMs;
      next = clock.t + everyMs;
    }
  };
}

/**
 * `queueTarget`, but cold after a pause: when a search comes `idleMs` or more after the previous
 * one, the searches of the next `coldMs` each take `coldExtraMs` more (a fresh process's code
 * compiling, buffers growing: the 1k step's first second after each pause).
 */
function coldAfterPause(clock: VirtualClock, serviceMs: number, idleMs = 500, coldMs = 300) {
  const coldExtraMs = 80;
  let freeAt = 0, last = -Infinity, coldUntil = -Infinity;
  return {
    search: async () => {
      const now = clock.now();
      if (now - last >= idleMs) coldUntil = now + coldMs;
      last = now;
      freeAt = Math.max(now, freeAt) + serviceMs + (now < coldUntil ? coldExtraMs : 0);
      await clock.at(freeAt);
      return [];
    },
  } as unknown as ScenarioTarget;
}

async function probe(
  clock: VirtualClock,
  target: ScenarioTarget,
  onProgress?: (m: string) => void,
  yaml = PROBE,
) {
  const scenario = parseScenario(yaml, "probe.yaml", "full");
  const deployment = { ...emptyDeployment(), collectionIds: ["c0"] };
  deployment.apiKeys.set("", undefined);
  return await probeSustainedRate(
    scenario,
    target,
    dataset(),
    [{ tenant: "", start: 0, end: ROWS }],
    deployment,
    { clock, onProgress },
  );
}

Deno.test("rate probe: stages at 100, 200, 400 req/s hold on a 2 ms server; 800 req/s overloads it", async () => {
  const clock = new VirtualClock();
  const result = await probe(clock, queueTarget(clock, 2));
  assert.deepEqual(result.stages.map((s) => [s.offered_qps, s.held]), [
    [100, true],
    [200, true],
    [400, true],
    [800, false],
  ]);
  assert.equal(result.max_sustained_qps, 400);
  assert.equal(result.limited_by, "target");
  assert.match(result.stopped_by, /^p95 \d+\.\d ms > 20 ms at 800 req\/s$/);
});

Deno.test("rate probe: a stage far over the limit is the target's even when the generator fell behind too", async () => {
  // At 800 req/s the 2 ms server is overloaded (p95 in the hundreds of ms) while the generator
  // stalls 60 ms every 100 ms: its lateness (≤ ~60 ms) cannot explain that p95.
  const clock = new VirtualClock();
  let qps = 0;
  stallWhile(clock, () => qps >= 800);
  const result = await probe(clock, queueTarget(clock, 2), (m) => {
    qps = Number(/(\d+) req\/s/.exec(m)![1]);
  });
  const last = result.stages.at(-1)!;
  assert.equal(last.offered_qps, 800);
  assert.ok(last.p95_ms! > 200, `p95 ${last.p95_ms} ms at 800 req/s`);
  assert.equal(result.max_sustained_qps, 400);
  assert.equal(result.limited_by, "target", result.stopped_by);
  assert.match(result.stopped_by, /^p95 .* > 20 ms at 800 req\/s \(the generator fell behind too/);
});

Deno.test("rate probe: a stage within the limit whose generator fell behind ends the probe on the generator", async () => {
  const clock = new VirtualClock();
  let qps = 0;
  stallWhile(clock, () => qps >= 200);
  const result = await probe(clock, queueTarget(clock, 0.2), (m) => {
    qps = Number(/(\d+) req\/s/.exec(m)![1]);
  });
  assert.deepEqual(result.stages.map((s) => [s.offered_qps, s.held]), [[100, true], [200, false]]);
  assert.equal(result.max_sustained_qps, 100);
  assert.equal(result.limited_by, "generator");
  assert.match(
    result.stopped_by,
    /^the load generator fell behind at 200 req\/s \(generator saturated/,
  );
});

Deno.test("rate probe: the scenario's warm-up runs before the first stage, which is then judged warm", async () => {
  // The probe follows a pause (recall scoring, the integrity read-back): a target cold for its
  // first 300 ms after one. Without a warm-up the first stage's p95 is the cold start's.
  const cold = new VirtualClock();
  const unwarmed = await probe(cold, coldAfterPause(cold, 0.5));
  assert.equal(unwarmed.max_sustained_qps, null, "the cold start alone sinks 100 req/s");
  assert.ok(unwarmed.stages[0].p95_ms! > 20, `p95 ${unwarmed.stages[0].p95_ms} ms`);

  const clock = new VirtualClock();
  const progress: string[] = [];
  const warmed = await probe(
    clock,
    coldAfterPause(clock, 0.5),
    (m) => progress.push(m),
    PROBE.replace("probe:", "warmup: 1s\nprobe:"),
  );
  assert.equal(progress[0], "warming up for the probe: 1 s, not recorded");
  assert.equal(warmed.warmup_s, 1);
  assert.deepEqual(warmed.stages.map((s) => [s.offered_qps, s.held]), [
    [100, true],
    [200, true],
    [400, true],
    [800, true],
    [1600, true],
  ]);
  assert.equal(warmed.max_sustained_qps, 1600);
  assert.equal(warmed.limited_by, "max_qps");
});
