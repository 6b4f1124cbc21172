import assert from "node:assert/strict";
import { makeRateProfile } from "../src/load/rate_profile.ts";
import type { RateProfile } from "../src/load/load_spec.ts";

/** ∫ rate(t) dt over the whole profile, by the midpoint rule on 1 ms steps. */
function integral(p: RateProfile): number {
  let sum = 0;
  const dt = 0.001;
  for (let t = dt / 2; t < p.durationS; t += dt) sum += p.rate(t) * dt;
  return sum;
}

Deno.test("constant profile: rate everywhere, zero outside, integral qps × duration", () => {
  const p = makeRateProfile({ type: "constant", qps: 250 }, 4, 1);
  assert.equal(p.rate(0), 250);
  assert.equal(p.rate(3.999), 250);
  assert.equal(p.rate(4), 0);
  assert.equal(p.rate(-1), 0);
  assert.ok(Math.abs(integral(p) - 1000) < 0.5);
  assert.deepEqual(p.phases, []);
});

Deno.test("ramp profile: linear from from_qps to to_qps", () => {
  const p = makeRateProfile({ type: "ramp", from_qps: 100, to_qps: 300 }, 10, 1);
  assert.equal(p.rate(0), 100);
  assert.equal(p.rate(5), 200);
  assert.ok(Math.abs(integral(p) - 2000) < 0.5);
});

Deno.test("stages profile: piecewise linear, named phases, holds the last target", () => {
  const p = makeRateProfile(
    {
      type: "stages",
      start_qps: 0,
      stages: [
        { name: "warm", duration_s: 2, target_qps: 100 },
        { name: "step", duration_s: 0, target_qps: 300 },
        { name: "hold", duration_s: 3, target_qps: 300 },
      ],
    },
    6,
    1,
  );
  assert.equal(p.rate(1), 50);
  assert.equal(p.rate(2.5), 300);
  assert.equal(p.rate(5.5), 300); // past the stages: held
  // 0→100 over 2 s = 100, then 300 × 4 s = 1200.
  assert.ok(Math.abs(integral(p) - 1300) < 0.5);
  assert.deepEqual(p.phases, [
    { name: "warm", start_s: 0, end_s: 2 },
    { name: "hold", start_s: 2, end_s: 5 },
  ]);
});

Deno.test("spike profile: five phases, baseline → spike → baseline, recovery extended", () => {
  const p = makeRateProfile(
    {
      type: "spike",
      baseline_qps: 100,
      spike_qps: 1000,
      baseline_s: 10,
      ramp_up_s: 2,
      hold_s: 5,
      ramp_down_s: 2,
      recovery_s: 10,
    },
    35,
    1,
  );
  assert.deepEqual(p.phases.map((x) => [x.name, x.start_s, x.end_s]), [
    ["baseline", 0, 10],
    ["ramp_up", 10, 12],
    ["hold", 12, 17],
    ["ramp_down", 17, 19],
    ["recovery", 19, 35],
  ]);
  assert.equal(p.rate(5), 100);
  assert.equal(p.rate(11), 550);
  assert.equal(p.rate(14), 1000);
  assert.equal(p.rate(18), 550);
  assert.equal(p.rate(30), 100);
  const expected = 100 * 10 + 550 * 2 + 1000 * 5 + 550 * 2 + 100 * 16;
  assert.ok(Math.abs(integral(p) - expected) < 1);
});

Deno.test("spike profile: clipped to a shorter duration", () => {
  const p = makeRateProfile(
    {
      type: "spike",
      baseline_qps: 10,
      spike_qps: 50,
      baseline_s: 2,
      ramp_up_s: 1,
      hold_s: 2,
      ramp_down_s: 1,
      recovery_s: 4,
    },
    4,
    1,
  );
  assert.deepEqual(p.phases.map((x) => [x.name, x.end_s]), [
    ["baseline", 2],
    ["ramp_up", 3],
    ["hold", 4],
  ]);
  assert.equal(p.rate(4.5), 0);
});

const randomSpec = {
  type: "random" as const,
  min_qps: 50,
  max_qps: 150,
  interval_s: 2,
  spike_probability: 0.2,
  spike_qps: 500,
  spike_s: 3,
};

Deno.test("random profile: seeded, bounded, spikes named, phases tile the run", () => {
  const a = makeRateProfile(randomSpec, 600, 42);
  const b = makeRateProfile(randomSpec, 600, 42);
  const c = makeRateProfile(randomSpec, 600, 43);
  const at = (p: RateProfile) => Array.from({ length: 600 }, (_, i) => p.rate(i + 0.5));
  assert.deepEqual(at(a), at(b));
  assert.deepEqual(a.phases, b.phases);
  assert.notDeepEqual(at(a), at(c));
  const spikes = a.phases.filter((p) => p.name === "spike");
  assert.ok(spikes.length > 10 && spikes.length < 100, `spikes: ${spikes.length}`);
  for (let t = 0; t < 600; t += 0.25) {
    const r = a.rate(t);
    const inSpike = spikes.some((s) => t >= s.start_s && t < s.end_s);
    if (inSpike) assert.equal(r, 500);
    else assert.ok(r >= 50 && r <= 150, `rate ${r} at ${t}`);
  }
  // Phases are contiguous from 0 to the end, alternating walk / spike.
  assert.equal(a.phases[0].start_s, 0);
  assert.equal(a.phases.at(-1)!.end_s, 600);
  for (let i = 1; i < a.phases.length; i++) {
    assert.equal(a.phases[i].start_s, a.phases[i - 1].end_s);
  }
  // The walk actually moves across the band.
  const walk = at(a).filter((r) => r !== 500);
  assert.ok(Math.max(...walk) - Math.min(...walk) > 50);
});
