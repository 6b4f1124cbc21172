import type { Scenario } from "./scenario.ts";
import { DEFAULT_INDEX_WAIT_S } from "./schema.ts";

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
        : v,
  );
}

/**
 * sha-256 (hex) of the canonical resolved scenario, without where it (or its dataset file) was
 * read from: the same scenario at the same scale hashes the same wherever its files live.
 */
export async function scenarioHash(scenario: Scenario): Promise<string> {
  const { source: _source, steps, step, probe, indexWaitS, warmupS, ...rest } = scenario;
  // Fields added since hashes were first recorded count only when set, so a scenario that does
  // not use them hashes as it did before.
  const added = {
    ...(steps.length > 0 ? { steps } : {}),
    ...(step !== null ? { step } : {}),
    ...(probe !== null ? { probe } : {}),
    ...(indexWaitS !== DEFAULT_INDEX_WAIT_S ? { indexWaitS } : {}),
    ...(warmupS !== 0 ? { warmupS } : {}),
  };
  // A dataset file counts by its content hash, not by where it lies (and generated data hashes
  // as it did before scenarios could name files).
  const { file, ...generated } = rest.dataset;
  const dataset = file ? { ...generated, file: { hash: file.hash } } : generated;
  const bytes = new TextEncoder().encode(canonicalJson({ ...rest, ...added, dataset }));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
