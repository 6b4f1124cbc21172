import type { ScoredSlot } from "./collection_index.ts";

/**
 * The best `k` of a stream of scored slots: higher score first, ties lower slot first. Pushes
 * gather in a buffer of 2k; a full buffer is cut back to its best k by quickselect, and from then
 * on only a push that beats the k-th best is kept. So n pushes cost O(n) plus one sort of k at the
 * end, where keeping a sorted top by insertion cost O(n·k): 40,000 candidates for top_k 10,000
 * took ~300 ms of the request loop (100k × 128 cosine, 2026-12-05).
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
   * The best k pushed, best first. The scores are sorted natively (a typed array, no compare
   * callback: a callback sort of 10,000 hits took 15–100 ms on a loaded machine), then each
   * distinct score emits its slots in ascending order.
   */
  sorted(): ScoredSlot[] {
    if (this.#n > this.k) this.#cutToK();
    const bySlot = new Map<number, number[]>();
    for (let i = 0; i < this.#n; i++) {
      const slots = bySlot.get(this.#scores[i]);
      if (slots) slots.push(this.#slots[i]);
      else bySlot.set(this.#scores[i], [this.#slots[i]]);
    }
    const hits: ScoredSlot[] = [];
    const scores = this.#scores.slice(0, this.#n).sort().reverse();
    for (const score of scores) {
      const slots = bySlot.get(score);
      if (slots === undefined) continue; // emitted with an equal score (0 and -0 share a key)
      bySlot.delete(score);
      if (slots.length > 1) slots.sort((a, b) => a - b);
      for (const slot of slots) hits.push({ slot, score });
    }
    return hits;
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
