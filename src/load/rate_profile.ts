import type { Phase } from "../result/run_result.ts";
import type { ProfileSpec, RateProfile } from "./load_spec.ts";
import { RANDOM_STREAM, SeededRandom } from "../random/seeded_random.ts";

/** A point of a piecewise-linear rate curve: `qps` at time `t` (seconds). */
interface Knot {
  t: number;
  qps: number;
}

/**
 * Turns a scenario's profile into a pure function rate(t) over [0, durationS), with named phases.
 * Past its last knot a profile holds its last rate; everything is clipped to durationS.
 */
export function makeRateProfile(spec: ProfileSpec, durationS: number, seed: number): RateProfile {
  switch (spec.type) {
    case "constant":
      return linear([{ t: 0, qps: spec.qps }], [], durationS);
    case "ramp":
      return linear(
        [{ t: 0, qps: spec.from_qps }, { t: durationS, qps: spec.to_qps }],
        [],
        durationS,
      );
    case "stages": {
      const knots: Knot[] = [{ t: 0, qps: spec.start_qps }];
      const phases: Phase[] = [];
      let t = 0;
      for (const stage of spec.stages) {
        phases.push({ name: stage.name, start_s: t, end_s: t + stage.duration_s });
        t += stage.duration_s;
        knots.push({ t, qps: stage.target_qps });
      }
      return linear(knots, phases, durationS);
    }
    case "spike": {
      const windows: [string, number][] = [
        ["baseline", spec.baseline_s],
        ["ramp_up", spec.ramp_up_s],
        ["hold", spec.hold_s],
        ["ramp_down", spec.ramp_down_s],
        ["recovery", spec.recovery_s],
      ];
      const phases: Phase[] = [];
      let t = 0;
      for (const [name, length] of windows) {
        if (length > 0) phases.push({ name, start_s: t, end_s: t + length });
        t += length;
      }
      const b = spec.baseline_s;
      const up = b + spec.ramp_up_s;
      const hold = up + spec.hold_s;
      const down = hold + spec.ramp_down_s;
      const knots: Knot[] = [
        { t: 0, qps: spec.baseline_qps },
        { t: b, qps: spec.baseline_qps },
        { t: up, qps: spec.spike_qps },
        { t: hold, qps: spec.spike_qps },
        { t: down, qps: spec.baseline_qps },
      ];
      // A run longer than the windows stays in recovery until its end.
      const last = phases.at(-1);
      if (last && last.name === "recovery" && durationS > last.end_s) last.end_s = durationS;
      return linear(knots, phases, durationS);
    }
    case "random":
      return randomWalk(spec, durationS, seed);
  }
}

function linear(knots: Knot[], phases: Phase[], durationS: number): RateProfile {
  const rate = (t: number): number => {
    if (t < 0 || t >= durationS) return 0;
    for (let i = knots.length - 1; i >= 0; i--) {
      const k = knots[i];
      if (t < k.t) continue;
      const n = knots[i + 1];
      if (!n || n.t <= k.t) return k.qps;
      return k.qps + (n.qps - k.qps) * (t - k.t) / (n.t - k.t);
    }
    return knots[0].qps;
  };
  return { rate, durationS, phases: clip(phases, durationS) };
}

type RandomSpec = Extract<ProfileSpec, { type: "random" }>;

/**
 * Piecewise-constant random walk between min_qps and max_qps, one level per interval_s; at the
 * start of each interval a spike of spike_qps for spike_s starts with spike_probability. Phases
 * alternate "walk" and "spike".
 */
function randomWalk(spec: RandomSpec, durationS: number, seed: number): RateProfile {
  const random = new SeededRandom(seed, RANDOM_STREAM.rateProfile);
  const span = spec.max_qps - spec.min_qps;
  const intervals = Math.max(1, Math.ceil(durationS / spec.interval_s));
  const levels: number[] = [];
  let level = spec.min_qps + span * random.next();
  const spikes: Phase[] = [];
  for (let i = 0; i < intervals; i++) {
    if (i > 0) {
      // Each step moves by up to a quarter of the band, reflected back into [min, max].
      level += (random.next() * 2 - 1) * span / 4;
      if (level > spec.max_qps) level = 2 * spec.max_qps - level;
      if (level < spec.min_qps) level = 2 * spec.min_qps - level;
      level = Math.min(spec.max_qps, Math.max(spec.min_qps, level));
    }
    levels.push(level);
    const start = i * spec.interval_s;
    const prev = spikes.at(-1);
    const free = !prev || prev.end_s <= start;
    if (random.next() < spec.spike_probability && free && spec.spike_s > 0) {
      spikes.push({ name: "spike", start_s: start, end_s: start + spec.spike_s });
    }
  }
  const phases: Phase[] = [];
  let t = 0;
  for (const s of spikes) {
    if (s.start_s > t) phases.push({ name: "walk", start_s: t, end_s: s.start_s });
    phases.push(s);
    t = s.end_s;
  }
  if (t < durationS) phases.push({ name: "walk", start_s: t, end_s: durationS });
  const rate = (t: number): number => {
    if (t < 0 || t >= durationS) return 0;
    // Last spike starting at or before t (spikes are sorted and do not overlap).
    let lo = 0;
    let hi = spikes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (spikes[mid].start_s <= t) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && t < spikes[lo - 1].end_s) return spec.spike_qps;
    return levels[Math.min(levels.length - 1, Math.floor(t / spec.interval_s))];
  };
  return { rate, durationS, phases: clip(phases, durationS) };
}

function clip(phases: Phase[], durationS: number): Phase[] {
  return phases
    .filter((p) => p.start_s < durationS && p.end_s > p.start_s)
    .map((p) => ({ name: p.name, start_s: p.start_s, end_s: Math.min(p.end_s, durationS) }));
}
