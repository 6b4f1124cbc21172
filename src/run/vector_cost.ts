/** A bulk load of fewer vectors than this moves RSS too little to measure their cost. */
export const MIN_MEASURED_VECTORS = 1000;

/** What one stored vector costs the target in resident memory. */
export interface VectorCost {
  bytes: number;
  /** `bulk_load`: the target's RSS growth over the bulk load; `raw`: dim × 4 bytes. */
  source: "bulk_load" | "raw";
}

/**
 * The target's RSS growth per vector over the bulk load: its index, copies and maps included,
 * never below 0 (a target that keeps vectors on disk may not grow at all). The raw dim × 4 bytes
 * when RSS could not be read before and after, or fewer than MIN_MEASURED_VECTORS were loaded.
 */
export function vectorCost(
  rssBeforeMb: number | null,
  rssAfterMb: number | null,
  loaded: number,
  dim: number,
): VectorCost {
  if (rssBeforeMb === null || rssAfterMb === null || loaded < MIN_MEASURED_VECTORS) {
    return { bytes: dim * 4, source: "raw" };
  }
  const bytes = (rssAfterMb - rssBeforeMb) * 1024 * 1024 / loaded;
  return { bytes: Math.max(0, Math.round(bytes)), source: "bulk_load" };
}
