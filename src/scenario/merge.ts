/**
 * Deep-merges a scenario's `smoke` block over the full scenario: mappings merge key by key,
 * everything else (lists, scalars, and any mapping with a `type`, i.e. a load profile) replaces.
 */
export function mergeOverride(base: unknown, override: unknown): unknown {
  if (!isMapping(base) || !isMapping(override) || "type" in override) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = key in base ? mergeOverride(base[key], value) : value;
  }
  return out;
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
