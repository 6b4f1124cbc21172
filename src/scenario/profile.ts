import type { ProfileSpec } from "../load/load_spec.ts";
import type { RawProfile } from "./schema.ts";

/** Converts a validated YAML load profile (durations already in seconds) into a ProfileSpec. */
export function toProfileSpec(raw: RawProfile): ProfileSpec {
  switch (raw.type) {
    case "constant":
      return { type: "constant", qps: raw.qps };
    case "ramp":
      return { type: "ramp", from_qps: raw.from_qps, to_qps: raw.to_qps };
    case "stages":
      return {
        type: "stages",
        start_qps: raw.start_qps,
        stages: raw.stages.map((s) => ({
          name: s.name,
          duration_s: s.duration,
          target_qps: s.target_qps,
        })),
      };
    case "spike":
      return {
        type: "spike",
        baseline_qps: raw.baseline_qps,
        spike_qps: raw.spike_qps,
        baseline_s: raw.baseline,
        ramp_up_s: raw.ramp_up,
        hold_s: raw.hold,
        ramp_down_s: raw.ramp_down,
        recovery_s: raw.recovery,
      };
    case "random":
      return {
        type: "random",
        min_qps: raw.min_qps,
        max_qps: raw.max_qps,
        interval_s: raw.interval,
        spike_probability: raw.spike_probability,
        spike_qps: raw.spike_qps,
        spike_s: raw.spike_duration,
      };
  }
}

/** The length a profile defines by itself (stages, spike), or null when any length fits. */
export function intrinsicDurationS(spec: ProfileSpec): number | null {
  if (spec.type === "stages") return spec.stages.reduce((s, x) => s + x.duration_s, 0);
  if (spec.type === "spike") {
    return spec.baseline_s + spec.ramp_up_s + spec.hold_s + spec.ramp_down_s + spec.recovery_s;
  }
  return null;
}
