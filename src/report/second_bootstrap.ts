import * as hdr from "hdr-histogram-js";
import { RANDOM_STREAM, SeededRandom } from "../random/seeded_random.ts";
import type { SecondPoint } from "../result/run_result.ts";
import { BOOTSTRAP_SEED, CONFIDENCE } from "./bootstrap.ts";

/**
 * Replicates of the block bootstrap: each merges a whole run's worth of seconds, so fewer than
 * the request bootstrap's; enough for the 2.5 % and 97.5 % points at the precision reported.
 */
export const SECOND_REPLICATES = 500;

/** One second's histogram as (bucket index, count) pairs in the shared HDR index space. */
interface SparseSecond {
  index: Int32Array;
  count: Float64Array;
}

/** The histograms' bucket geometry (all decoded with the same settings), for index → value. */
type Geometry = { valueAt(index: number): number };

/**
 * Seconds per block: the moving-block bootstrap's usual ∝ n^(1/3) (2 s for a 10 s run, 12 s for
 * 30 minutes), so that slowness lasting several seconds stays together too.
 */
export function blockLength(seconds: number): number {
  return Math.max(1, Math.round(Math.cbrt(seconds)));
}

/**
 * Moving-block bootstrap of latency percentiles over the seconds of two runs: each replicate
 * draws, for each run, blocks of blockLength consecutive seconds at random starts (wrapping
 * around) until it has as many seconds as the run, and reads the percentiles of their merged
 * histogram. Requests close in time share the machine's and the server's state (a GC pause, a
 * busy neighbour), so resampling them one by one understates the uncertainty; resampling
 * blocks of seconds keeps that correlation.
 * Returns the CONFIDENCE interval (ms) of next − base per percentile, or null when either run
 * stored no per-second histograms (results made before they were) or has fewer than 2 seconds.
 */
export function secondsDifferenceIntervals(
  base: SecondPoint[],
  next: SecondPoint[],
  percentiles: number[],
  seed = BOOTSTRAP_SEED,
): Map<number, [number, number]> | null {
  const b = sparseSeconds(base), n = sparseSeconds(next);
  if (!b || !n) return null;
  const random = new SeededRandom(seed, RANDOM_STREAM.secondBootstrap);
  const length = Math.max(b.length, n.length);
  const counts = new Float64Array(length);
  const replicate = (run: NonNullable<ReturnType<typeof sparseSeconds>>): number[] => {
    counts.fill(0);
    let total = 0;
    const n = run.seconds.length, block = blockLength(n);
    for (let drawn = 0; drawn < n; drawn += block) {
      const start = Math.floor(random.next() * n);
      for (let k = 0; k < block && drawn + k < n; k++) {
        const s = run.seconds[(start + k) % n];
        for (let j = 0; j < s.index.length; j++) {
          counts[s.index[j]] += s.count[j];
          total += s.count[j];
        }
      }
    }
    return percentiles.map((p) => {
      const rank = Math.max(1, Math.floor((p / 100) * total + 0.5));
      let seen = 0;
      for (let i = 0; i < length; i++) {
        seen += counts[i];
        if (seen >= rank) return run.geometry.valueAt(i);
      }
      return run.geometry.valueAt(length - 1);
    });
  };
  const diffs = percentiles.map(() => [] as number[]);
  for (let r = 0; r < SECOND_REPLICATES; r++) {
    const rb = replicate(b), rn = replicate(n);
    percentiles.forEach((_, k) => diffs[k].push(rn[k] - rb[k]));
  }
  const tail = (1 - CONFIDENCE) / 2;
  const out = new Map<number, [number, number]>();
  percentiles.forEach((p, k) => {
    const d = diffs[k].sort((x, y) => x - y);
    const at = (q: number) => d[Math.min(d.length - 1, Math.floor(q * d.length))] / 1000;
    out.set(p, [at(tail), at(1 - tail)]);
  });
  return out;
}

/** The seconds' histograms decoded (JS mode, whose bucket index space they all share). */
function sparseSeconds(
  points: SecondPoint[],
): { seconds: SparseSecond[]; geometry: Geometry; length: number } | null {
  const encoded = points.map((p) => p.latency_us).filter((h): h is string => !!h);
  if (encoded.length < 2) return null;
  let geometry: Geometry | null = null;
  let length = 0;
  const seconds = encoded.map((text) => {
    // JsHistogram exposes its counts array; its typings only promise the Histogram interface.
    const h = hdr.decodeFromCompressedBase64(text, 32, false) as unknown as {
      countsArrayLength: number;
      getCountAtIndex(i: number): number;
      valueFromIndex(i: number): number;
      highestEquivalentValue(v: number): number;
    };
    geometry ??= { valueAt: (i) => h.highestEquivalentValue(h.valueFromIndex(i)) };
    const index: number[] = [], count: number[] = [];
    for (let i = 0; i < h.countsArrayLength; i++) {
      const c = h.getCountAtIndex(i);
      if (c > 0) {
        index.push(i);
        count.push(c);
      }
    }
    length = Math.max(length, h.countsArrayLength);
    return { index: Int32Array.from(index), count: Float64Array.from(count) };
  });
  return { seconds, geometry: geometry!, length };
}
