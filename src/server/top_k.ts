import { setImmediate } from "node:timers/promises";
import type { ScoredSlot } from "./collection_index.ts";

/** Hits sorted or merged between two yields to the event loop (~0.2 ms of work). */
const SORT_RUN = 1024;

/**
 * The best `k` of a stream of scored slots: higher score first, ties lower slot first. Pushes
 * gather in a buffer of 2k; a full buffer is cut back to its best k by quickselect, and from then
 * on only a push that beats the k-th best is kept. So n pushes cost O(n), plus sorting the kept k
 * at the end, where keeping a sorted top by insertion cost O(n·k): 40,000 candidates for top_k
 * 10,000 took ~300 ms of the request loop (100k × 128 cosine, 2026-12-05).
 */
export class TopK {
  #slots: Int32Array;
  #scores: Float64Array;
  #n = 0;
  /** The k-th best so far once the buffer was first cut; until then nothing is refused. */
  #floorScore = -Infinity;
  #floorSlot = -1;
  #cut = false;

  constructor(readonly k: number) {
    const capacity = Math.max(2 * k, 16);
    this.#slots = new Int32Array(capacity);
    this.#scores = new Float64Array(capacity);
  }

  push(slot: number, score: number): void {
    if (this.#cut && !ranksBefore(score, slot, this.#floorScore, this.#floorSlot)) return;
    this.#slots[this.#n] = slot;
    this.#scores[this.#n] = score;
    if (++this.#n === this.#slots.length) this.#cutToK();
  }

  /**
   * The best k pushed, best first. Sorted as runs of SORT_RUN merged bottom-up, yielding to the
   * event loop after every SORT_RUN hits placed: one sort of 10,000 hits took 15–90 ms of the
   * request loop on the loaded test machine (2026-12-05).
   */
  async sorted(): Promise<ScoredSlot[]> {
    if (this.#n > this.k) this.#cutToK();
    const n = this.#n, slots = this.#slots, scores = this.#scores;
    const before = (a: number, b: number) =>
      ranksBefore(scores[a], slots[a], scores[b], slots[b]) ? -1 : 1;
    let order = Uint32Array.from({ length: n }, (_, i) => i);
    for (let from = 0; from < n; from += SORT_RUN) {
      if (from > 0) await setImmediate();
      order.subarray(from, Math.min(n, from + SORT_RUN)).sort(before);
    }
    let merged = new Uint32Array(n);
    for (let width = SORT_RUN; width < n; width *= 2) {
      let placed = 0;
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = Math.min(n, lo + width), hi = Math.min(n, lo + 2 * width);
        let i = lo, j = mid;
        for (let out = lo; out < hi; out++) {
          merged[out] = j >= hi || (i < mid && before(order[i], order[j]) < 0)
            ? order[i++]
            : order[j++];
          if (++placed % SORT_RUN === 0) await setImmediate();
        }
      }
      [order, merged] = [merged, order];
    }
    return Array.from(order, (i) => ({ slot: slots[i], score: scores[i] }));
  }

  /** Moves the best k to the front (Hoare quickselect, median-of-three pivots); n becomes k. */
  #cutToK(): void {
    const slots = this.#slots, scores = this.#scores, k = this.k;
    let lo = 0, hi = this.#n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const pick = [lo, mid, hi].sort((a, b) =>
        ranksBefore(scores[a], slots[a], scores[b], slots[b]) ? -1 : 1
      )[1];
      const pivotScore = scores[pick], pivotSlot = slots[pick];
      let i = lo, j = hi;
      while (i <= j) {
        while (ranksBefore(scores[i], slots[i], pivotScore, pivotSlot)) {
          i++;
        }
        while (ranksBefore(pivotScore, pivotSlot, scores[j], slots[j])) {
          j--;
        }
        if (i <= j) {
          const s = slots[i], v = scores[i];
          slots[i] = slots[j], scores[i] = scores[j];
          slots[j] = s, scores[j] = v;
          i++, j--;
        }
      }
      if (k - 1 <= j) {
        hi = j;
      } else if (k - 1 >= i) {
        lo = i;
      } else break;
    }
    this.#n = Math.min(this.#n, k);
    // The floor is the worst of the kept k (the front holds exactly the best k, unordered).
    let worst = 0;
    for (let i = 1; i < this.#n; i++) {
      if (ranksBefore(scores[worst], slots[worst], scores[i], slots[i])) worst = i;
    }
    this.#floorScore = scores[worst];
    this.#floorSlot = slots[worst];
    this.#cut = true;
  }
}

/** True when (score, slot) ranks before (otherScore, otherSlot). */
function ranksBefore(score: number, slot: number, otherScore: number, otherSlot: number): boolean {
  return score > otherScore || (score === otherScore && slot < otherSlot);
}
