import type { CollectionAccess } from "../scenario/scenario.ts";
import { ZipfSampler } from "./zipf.ts";

/**
 * Which of a stream's `n` collections (0-based) a request goes to, from a uniform draw `u` in
 * [0, 1) and the request's intended send time in seconds since the load began.
 */
export type CollectionPicker = (u: number, intendedS: number) => number;

/**
 * Uniform; Zipf over all `n` (rank i = collection i); or Zipf over a sliding window: `size`
 * consecutive collections (mod n) starting at ⌊t / slideEveryS⌋, rank 0 the oldest member. Every
 * slide lets the most popular collection go idle and takes in a new one at the least popular
 * rank, so collections outside the window really stay idle (as tiering needs), which
 * independent Zipf draws over all of them never do.
 */
export function collectionPicker(access: CollectionAccess, n: number): CollectionPicker {
  if (access.type === "uniform") return (u) => Math.floor(u * n);
  const window = access.window;
  if (window === undefined) {
    const zipf = new ZipfSampler(n, access.s);
    return (u) => zipf.rank(u);
  }
  const zipf = new ZipfSampler(window.size, access.s);
  return (u, t) => (Math.floor(t / window.slideEveryS) + zipf.rank(u)) % n;
}
