import type { Operation, OperationMix } from "../scenario/scenario.ts";

const ORDER: Operation[] = ["search", "insert", "update", "delete", "metadata"];

/** Picks operations with the scenario's shares from uniform draws. */
export class OperationPicker {
  readonly #ops: Operation[] = [];
  readonly #cumulative: number[] = [];

  constructor(mix: OperationMix) {
    let sum = 0;
    for (const op of ORDER) {
      if (mix[op] <= 0) continue;
      sum += mix[op];
      this.#ops.push(op);
      this.#cumulative.push(sum);
    }
    if (this.#ops.length === 0) throw new RangeError("the operation mix is empty");
    for (let i = 0; i < this.#cumulative.length; i++) this.#cumulative[i] /= sum;
  }

  /** The operation for a uniform draw `u` in [0, 1). */
  pick(u: number): Operation {
    const i = this.#cumulative.findIndex((c) => u < c);
    return this.#ops[i === -1 ? this.#ops.length - 1 : i];
  }
}
