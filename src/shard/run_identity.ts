import type { RunResult } from "../result/run_result.ts";

/** What makes parts of one sharded run belong together: the same scenario, seed and data. */
export interface RunIdentity {
  scenario_id: string;
  profile: string;
  scenario_hash: string;
  seed: number;
  dataset_hash: string;
}

/** The identity of a RunResult. */
export function identityOf(r: RunResult): RunIdentity {
  return {
    scenario_id: r.scenario_id,
    profile: r.profile,
    scenario_hash: r.scenario_hash,
    seed: r.seed,
    dataset_hash: r.dataset.hash,
  };
}

/**
 * Why `b` (named `bName`) does not belong to the run of `a` (named `aName`), or null when it
 * does: the first field that differs, both values shown.
 */
export function identityMismatch(
  aName: string,
  a: RunIdentity,
  bName: string,
  b: RunIdentity,
): string | null {
  for (const key of ["scenario_id", "profile", "scenario_hash", "seed", "dataset_hash"] as const) {
    if (a[key] !== b[key]) {
      const show = (v: string | number) =>
        typeof v === "string" && v.length > 16 ? `${v.slice(0, 12)}…` : `${v}`;
      return `${bName} has ${key} ${show(b[key])} but ${aName} has ${show(a[key])}: ` +
        "not parts of the same run";
    }
  }
  return null;
}
