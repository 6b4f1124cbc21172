/** Vectors per block: 2 MiB at 512 dimensions. */
const BLOCK_SHIFT = 10;
const BLOCK = 1 << BLOCK_SHIFT;

/**
 * A VectorStore's memory as of one moment, for another thread: every array is backed by a
 * SharedArrayBuffer, so posting this to a worker shares the vectors instead of copying them.
 * Slots below `count` never change (slots are append-only), so the worker reads a stable state
 * while the store keeps growing.
 */
export interface SharedVectors {
  dimension: number;
  count: number;
  base: Float32Array;
  baseCount: number;
  blocks: Float32Array[];
  norms: Float64Array;
}

/**
 * Append-only float32 vectors addressed by slot, with their L2 norms in float64: the norm of a
 * vector of float32 values near the float32 maximum exceeds that maximum (a float32 norm read
 * Infinity, and its cosine self-similarity 0), while float64 holds any sum of 4,096 squares of
 * float32 values (4,096 × (3.4e38)² ≈ 4.7e80). Vectors live in fixed
 * blocks of BLOCK slots (after an optional adopted base, e.g. read from a snapshot), so growing
 * never copies the data, never holds two copies at once, and wastes at most one block. All of
 * it is in SharedArrayBuffers, which scan workers read in place (`shared`, `attach`).
 */
export class VectorStore {
  #base: Float32Array = new Float32Array(new SharedArrayBuffer(0));
  #baseCount = 0;
  #blocks: Float32Array[] = [];
  #norms: Float64Array;
  #count = 0;

  constructor(readonly dimension: number, capacity = BLOCK) {
    this.#norms = sharedFloat64(Math.max(1, capacity));
  }

  /** A read-only store over `shared` (in a scan worker): slots [0, shared.count). */
  static attach(shared: SharedVectors): VectorStore {
    const store = new VectorStore(shared.dimension, 1);
    store.#base = shared.base;
    store.#baseCount = shared.baseCount;
    store.#blocks = shared.blocks;
    store.#norms = shared.norms;
    store.#count = shared.count;
    return store;
  }

  /** The store's memory as of now (shared, not copied). */
  shared(): SharedVectors {
    return {
      dimension: this.dimension,
      count: this.#count,
      base: this.#base,
      baseCount: this.#baseCount,
      blocks: this.#blocks.slice(),
      norms: this.#norms,
    };
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
    const blockBytes = BLOCK * this.dimension * 4;
    return this.#base.byteLength + this.#blocks.length * blockBytes + this.#norms.byteLength;
  }

  /** Takes `data` (whole vectors, e.g. read from a snapshot) as the contents of an empty store. */
  adopt(data: Float32Array): void {
    if (this.#count !== 0) throw new Error("adopt() needs an empty vector store");
    if (data.length % this.dimension !== 0) {
      // A fractional count would give later inserts fractional slots (GET then failed with 500).
      throw new Error(`${data.length} floats are not whole vectors of ${this.dimension}`);
    }
    const count = data.length / this.dimension;
    // Copied into shared memory (the caller's buffer, e.g. a file's bytes, is then garbage).
    this.#base = new Float32Array(new SharedArrayBuffer(data.byteLength));
    this.#base.set(data);
    this.#baseCount = count;
    this.#norms = sharedFloat64(Math.max(1, count));
    for (let slot = 0; slot < count; slot++) this.#norms[slot] = l2Norm(this.get(slot));
    this.#count = count;
  }

  /** Appends a vector and returns its slot. */
  append(vector: Float32Array): number {
    const slot = this.#count;
    const offset = slot - this.#baseCount;
    if (offset >> BLOCK_SHIFT === this.#blocks.length) {
      this.#blocks.push(new Float32Array(new SharedArrayBuffer(BLOCK * this.dimension * 4)));
    }
    if (slot === this.#norms.length) {
      const norms = sharedFloat64(this.#norms.length * 2);
      norms.set(this.#norms);
      this.#norms = norms;
    }
    this.#count++;
    const block = this.#blocks[offset >> BLOCK_SHIFT];
    block.set(vector, (offset & (BLOCK - 1)) * this.dimension);
    this.#norms[slot] = l2Norm(vector);
    return slot;
  }

  /** The vector in `slot` (a view; do not modify). */
  get(slot: number): Float32Array {
    const at = this.offsetOf(slot);
    return this.arrayOf(slot).subarray(at, at + this.dimension);
  }

  /** The array holding `slot`'s vector, which starts at `offsetOf(slot)` (no view is made). */
  arrayOf(slot: number): Float32Array {
    return slot < this.#baseCount
      ? this.#base
      : this.#blocks[(slot - this.#baseCount) >> BLOCK_SHIFT];
  }

  /** Where `slot`'s vector starts in `arrayOf(slot)`. */
  offsetOf(slot: number): number {
    return slot < this.#baseCount
      ? slot * this.dimension
      : ((slot - this.#baseCount) & (BLOCK - 1)) * this.dimension;
  }

  /** L2 norm of the vector in `slot`. */
  norm(slot: number): number {
    return this.#norms[slot];
  }

  /**
   * Vectors of slots [from, to) as contiguous views, in slot order (valid after later appends;
   * concatenated they are the range).
   */
  ranges(from: number, to: number): Float32Array[] {
    const dim = this.dimension;
    const out: Float32Array[] = [];
    let slot = from;
    if (slot < Math.min(to, this.#baseCount)) {
      out.push(this.#base.subarray(slot * dim, Math.min(to, this.#baseCount) * dim));
      slot = this.#baseCount;
    }
    while (slot < to) {
      const offset = slot - this.#baseCount;
      const inBlock = offset & (BLOCK - 1);
      const n = Math.min(BLOCK - inBlock, to - slot);
      out.push(this.#blocks[offset >> BLOCK_SHIFT].subarray(inBlock * dim, (inBlock + n) * dim));
      slot += n;
    }
    return out;
  }
}

function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * 8));
}

function l2Norm(vector: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  return Math.sqrt(sum);
}
