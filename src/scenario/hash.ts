import type { Scenario } from "./scenario.ts";

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
  const { source: _source, ...rest } = scenario;
  // A dataset file counts by its content hash, not by where it lies (and generated data hashes
  // as it did before scenarios could name files).
  const { file, ...generated } = rest.dataset;
  const dataset = file ? { ...generated, file: { hash: file.hash } } : generated;
  const bytes = new TextEncoder().encode(canonicalJson({ ...rest, dataset }));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
