/** Append-only float32 vectors addressed by slot, with their L2 norms. */
export class VectorStore {
  #data: Float32Array;
  #norms: Float32Array;
  #count = 0;

  constructor(readonly dimension: number, capacity = 1024) {
    this.#data = new Float32Array(capacity * dimension);
    this.#norms = new Float32Array(capacity);
  }

  /** Number of slots used. */
  get count(): number {
    return this.#count;
  }

  /** Bytes held by the vectors (used slots). */
  get bytes(): number {
    return this.#count * this.dimension * 4;
  }

  /** Bytes allocated for vectors and norms (capacity, not just used slots). */
  get capacityBytes(): number {
    return this.#data.byteLength + this.#norms.byteLength;
  }

  /** Takes `data` (whole vectors, e.g. read from a snapshot) as the contents of an empty store. */
  adopt(data: Float32Array): void {
    if (this.#count !== 0) throw new Error("adopt() needs an empty vector store");
    const count = data.length / this.dimension;
    this.#data = data;
    this.#norms = new Float32Array(count);
    for (let slot = 0; slot < count; slot++) {
      let sum = 0;
      for (let i = slot * this.dimension; i < (slot + 1) * this.dimension; i++) {
        sum += data[i] * data[i];
      }
      this.#norms[slot] = Math.sqrt(sum);
    }
    this.#count = count;
  }

  /** Appends a vector and returns its slot. */
  append(vector: Float32Array): number {
    if (this.#count === this.#norms.length) this.#grow(Math.max(1024, this.#count * 2));
    const slot = this.#count++;
    this.#data.set(vector, slot * this.dimension);
    let sum = 0;
    for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
    this.#norms[slot] = Math.sqrt(sum);
    return slot;
  }

  /** The vector in `slot` (a view; do not modify). */
  get(slot: number): Float32Array {
    return this.#data.subarray(slot * this.dimension, (slot + 1) * this.dimension);
  }

  /** L2 norm of the vector in `slot`. */
  norm(slot: number): number {
    return this.#norms[slot];
  }

  /** Vectors of slots [0, count) as one contiguous view (stays valid after later appends). */
  prefix(count: number): Float32Array {
    return this.#data.subarray(0, count * this.dimension);
  }

  #grow(capacity: number): void {
    const data = new Float32Array(capacity * this.dimension);
    data.set(this.#data.subarray(0, this.#count * this.dimension));
    const norms = new Float32Array(capacity);
    norms.set(this.#norms.subarray(0, this.#count));
    this.#data = data;
    this.#norms = norms;
  }
}
