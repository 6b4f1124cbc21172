import type { RunResult } from "../result/run_result.ts";

/** Recall samples of measured searches, per second of the run and overall. */
export class RecallSeries {
  readonly #perSecond = new Map<number, { sum: number; n: number }>();
  #sum = 0;
  #n = 0;

  constructor(readonly k: number) {}

  add(t: number, recall: number): void {
    const s = Math.floor(t);
    const cell = this.#perSecond.get(s) ?? { sum: 0, n: 0 };
    cell.sum += recall;
    cell.n++;
    this.#perSecond.set(s, cell);
    this.#sum += recall;
    this.#n++;
  }

  result(): NonNullable<RunResult["recall"]> {
    const series = [...this.#perSecond.entries()].sort((a, b) => a[0] - b[0]).map(([t, c]) => ({
      t,
      recall: c.sum / c.n,
      samples: c.n,
    }));
    return {
      k: this.k,
      samples: this.#n,
      overall: this.#n === 0 ? null : this.#sum / this.#n,
      series,
    };
  }
}
