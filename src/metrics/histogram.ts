import * as hdr from "hdr-histogram-js";
import type { Histogram } from "hdr-histogram-js";
import type { LatencySummary } from "../result/run_result.ts";

export type { Histogram };

let ready: Promise<void> | null = null;

/** Loads the WebAssembly backend once; call before newHistogram(). */
export function initHistograms(): Promise<void> {
  ready ??= hdr.initWebAssembly();
  return ready;
}

/**
 * An HDR histogram of microseconds, 3 significant digits, auto-resizing; WebAssembly-backed
 * (initHistograms() first) unless `wasm` is false. Call destroy() when done (WebAssembly memory
 * is not garbage-collected).
 */
export function newHistogram(wasm = true): Histogram {
  return hdr.build({
    useWebAssembly: wasm,
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

/** Records a duration in milliseconds as whole microseconds (at least 1 µs). */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Adds an encoded histogram (from encodeHistogram) into `into`, losslessly. */
export function addEncoded(into: Histogram, encoded: string): void {
  const h = hdr.decodeFromCompressedBase64(encoded, 32, true);
  into.add(h);
  h.destroy();
}

const US_PER_MS = 1000;

export const EMPTY_SUMMARY: LatencySummary = {
  count: 0,
  min: 0,
  mean: 0,
  p50: 0,
  p90: 0,
  p95: 0,
  p99: 0,
  p999: 0,
  max: 0,
};

/** Percentiles in milliseconds (3 decimals) of a microsecond histogram. */
export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { ...EMPTY_SUMMARY };
  const at = (p: number) => round3(h.getValueAtPercentile(p) / US_PER_MS);
  return {
    count: h.totalCount,
    min: round3(h.minNonZeroValue / US_PER_MS),
    mean: round3(h.mean / US_PER_MS),
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    // The top bucket's bound, like every percentile here, so a max read from a merged or decoded
    // histogram equals the one read from the original.
    max: at(100),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
