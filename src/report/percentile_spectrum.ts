import { decodeHistogram } from "./histogram_decode.ts";

/** One point of a latency percentile spectrum: x = 1/(1−p) as in HdrHistogram's plotter. */
export interface SpectrumPoint {
  percentile: number;
  x: number;
  ms: number;
}

/**
 * The percentile spectrum of a latency histogram: percentiles at 5 ticks per halving of the tail
 * (50%, 75%, 87.5%, … like HdrHistogram's percentile distribution) up to the resolution the sample
 * count supports, then the maximum.
 */
export function percentileSpectrum(histogramBase64: string): SpectrumPoint[] {
  const h = decodeHistogram(histogramBase64);
  if (!h || h.totalCount === 0) return [];
  const points: SpectrumPoint[] = [];
  const limit = h.totalCount;
  for (let k = 0;; k++) {
    const tail = Math.pow(0.5, k / 5);
    const x = 1 / tail;
    if (x > limit) break;
    const percentile = 100 * (1 - tail);
    points.push({ percentile, x, ms: h.getValueAtPercentile(percentile) / 1000 });
  }
  points.push({ percentile: 100, x: limit, ms: h.maxValue / 1000 });
  h.destroy();
  return points;
}
