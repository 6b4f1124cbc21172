/**
 * A bulk load of fewer vectors than this says more about the target's one-time warm-up than about
 * its vectors. The reference server's first inserts cost it 35–60 MB of code and buffers whatever
 * their number: a load of 2,000 512-d vectors measured 34 KB each, 10,000 measured 3.4 KB, 50,000
 * 3.0 KB (2026-11-29).
 */
export const MIN_MEASURED_VECTORS = 10_000;

/** What one stored vector costs the target in resident memory. */
export interface VectorCost {
  bytes: number;
  /** `bulk_load`: the target's RSS growth over the bulk load; `raw`: dim × 4 bytes. */
  source: "bulk_load" | "raw";
  /**
   * Why the raw floats were counted, in words the report prints as they are: the result keeps the
   * reason of its own run, so a later change of MIN_MEASURED_VECTORS never rewrites an old report.
   */
  rawReason?: string;
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
  // A load too small to measure is not read at all (no RSS): that is the reason to record.
  if (loaded < MIN_MEASURED_VECTORS) {
    return {
      bytes: dim * 4,
      source: "raw",
      rawReason: `bulk load of ${loaded} vectors, under ${MIN_MEASURED_VECTORS}`,
    };
  }
  if (rssBeforeMb === null || rssAfterMb === null) {
    return { bytes: dim * 4, source: "raw", rawReason: "no target RSS around the bulk load" };
  }
  const bytes = (rssAfterMb - rssBeforeMb) * 1024 * 1024 / loaded;
  return { bytes: Math.max(0, Math.round(bytes)), source: "bulk_load" };
}
