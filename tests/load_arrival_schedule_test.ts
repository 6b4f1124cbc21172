import assert from "node:assert/strict";
import { ArrivalSchedule } from "../src/load/arrival_schedule.ts";
import { makeRateProfile } from "../src/load/rate_profile.ts";
import type { ProfileSpec } from "../src/load/load_spec.ts";

function times(spec: ProfileSpec, durationS: number, arrivals: "uniform" | "poisson", seed = 1) {
  const s = new ArrivalSchedule(makeRateProfile(spec, durationS, seed), arrivals, seed);
  const out: number[] = [];
  for (let t = s.next(); t !== null; t = s.next()) out.push(t);
  return out;
}

Deno.test("uniform arrivals at constant rate are evenly spaced, one per 1/rate", () => {
  const t = times({ type: "constant", qps: 200 }, 3, "uniform");
  assert.equal(t.length, 600);
  assert.ok(t[0] < 1e-9);
  for (let i = 1; i < t.length; i++) assert.ok(Math.abs(t[i] - t[i - 1] - 0.005) < 1e-9);
  assert.ok(t.at(-1)! < 3);
});

Deno.test("uniform arrivals follow the integral of a ramp: count and position", () => {
  // rate = 1000·t/10 → Λ(t) = 50·t²; arrival k at sqrt(k/50).
  const t = times({ type: "ramp", from_qps: 0, to_qps: 1000 }, 10, "uniform");
  assert.equal(t.length, 5000);
  for (const k of [1, 50, 1000, 4999]) assert.ok(Math.abs(t[k] - Math.sqrt(k / 50)) < 1e-4);
  for (let i = 1; i < t.length; i++) assert.ok(t[i] > t[i - 1]);
});

Deno.test("uniform arrivals per phase of a spike match each phase's integral", () => {
  const spec: ProfileSpec = {
    type: "spike",
    baseline_qps: 100,
    spike_qps: 1000,
    baseline_s: 2,
    ramp_up_s: 1,
    hold_s: 2,
    ramp_down_s: 1,
    recovery_s: 2,
  };
  const t = times(spec, 8, "uniform");
  const inWindow = (a: number, b: number) => t.filter((x) => x >= a && x < b).length;
  assert.ok(Math.abs(inWindow(0, 2) - 200) <= 1);
  assert.ok(Math.abs(inWindow(2, 3) - 550) <= 1);
  assert.ok(Math.abs(inWindow(3, 5) - 2000) <= 1);
  assert.ok(Math.abs(inWindow(5, 6) - 550) <= 1);
  assert.ok(Math.abs(inWindow(6, 8) - 200) <= 1);
});

Deno.test("poisson arrivals: seeded, deterministic, right mean rate, exponential gaps", () => {
  const a = times({ type: "constant", qps: 1000 }, 20, "poisson", 7);
  const b = times({ type: "constant", qps: 1000 }, 20, "poisson", 7);
  const c = times({ type: "constant", qps: 1000 }, 20, "poisson", 8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.slice(0, 100), c.slice(0, 100));
  // 20 000 expected, sd ≈ 141: ±4 sd.
  assert.ok(Math.abs(a.length - 20000) < 600, `count ${a.length}`);
  const gaps = a.slice(1).map((x, i) => x - a[i]);
  const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  assert.ok(Math.abs(mean - 0.001) < 0.00005, `mean gap ${mean}`);
  // Exponential: P(gap > mean) = e^-1 ≈ 0.368; coefficient of variation ≈ 1.
  const above = gaps.filter((g) => g > 0.001).length / gaps.length;
  assert.ok(Math.abs(above - Math.exp(-1)) < 0.02, `share above mean ${above}`);
});

Deno.test("poisson arrivals of a ramp: counts follow the rate in each half", () => {
  const t = times({ type: "ramp", from_qps: 0, to_qps: 2000 }, 10, "poisson", 3);
  const first = t.filter((x) => x < 5).length; // Λ(5) = 2500
  const second = t.length - first; // 7500
  assert.ok(Math.abs(first - 2500) < 250, `first half ${first}`);
  assert.ok(Math.abs(second - 7500) < 400, `second half ${second}`);
});

Deno.test("a zero rate yields no arrivals", () => {
  assert.deepEqual(times({ type: "constant", qps: 0 }, 2, "uniform"), []);
  assert.deepEqual(times({ type: "constant", qps: 0 }, 2, "poisson"), []);
});
