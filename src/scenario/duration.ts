const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, min: 60, h: 3600 };

/**
 * Parses a duration as written in a scenario ("500ms", "30s", "5m", "1h", "1.5m", or a bare
 * number of seconds) into seconds. Returns null for anything else.
 */
export function parseDurationSeconds(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h)?\s*$/.exec(value);
  if (!m) return null;
  return Number(m[1]) * UNITS[m[2] ?? "s"];
}
