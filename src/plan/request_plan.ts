import type { Scenario } from "../scenario/scenario.ts";
import { type CollectionPicker, collectionPicker } from "./collection_access.ts";
import type { Stream, TrafficLabel } from "../load/load_spec.ts";
import { OperationPicker } from "./mix.ts";
import { planDocId } from "./request_plan_ids.ts";
import { TierPredictor, type TierStart } from "./request_plan_tiers.ts";
import { loadStreamRandom, type SeededRandom } from "../random/seeded_random.ts";

/** Rows [start, end) of the dataset's base vectors that one collection holds. */
export interface PlanCollection {
  tenant: string;
  start: number;
  end: number;
}

/** The vectors a plan draws from (row-major). */
export interface PlanVectors {
  dim: number;
  train: Float32Array;
  test: Float32Array;
  queries: number;
}

/** One planned request. `collection` indexes the plan's collections. */
export type PlannedRequest =
  | {
    op: "search";
    tenant: string;
    collection: number;
    vector: Float32Array;
    /** Index of the dataset query when this search is measured for recall, else −1. */
    query: number;
  }
  | { op: "insert"; tenant: string; collection: number; docId: string; vector: Float32Array }
  /** Update = delete the document, then re-insert the same doc id with a new vector. */
  | {
    op: "update";
    tenant: string;
    collection: number;
    docId: string;
    row: number;
    vector: Float32Array;
  }
  | { op: "delete"; tenant: string; collection: number; docId: string; row: number }
  | {
    op: "metadata";
    tenant: string;
    collection: number;
    kind: "get_collection" | "list_collections" | "get_document";
    docId?: string;
  };

/** Seconds on a monotonic clock, for tier labels only (never for what a request contains). */
export type NowS = () => number;

interface StreamState {
  random: SeededRandom;
  collections: number[];
  pick: CollectionPicker;
}

/**
 * The scenario's request sequence: for arrival `index` of a stream, which operation, collection,
 * document and vector. Every choice comes from a PRNG seeded with (scenario seed, stream), and
 * the state it consults (which base documents were already updated or deleted) evolves only
 * with the plan itself, so the same seed yields the same requests whatever the server answers.
 * Updates and deletes each take a base document no earlier update/delete took, so concurrent
 * writes never race on one document. Inserted vectors and non-measured search vectors are base
 * vectors of the collection plus Gaussian noise; measured searches use the dataset's queries.
 */
export class RequestPlan {
  readonly #picker: OperationPicker;
  readonly #streams = new Map<string, StreamState>();
  /** Per collection: base rows no update/delete has taken yet (first `#untouchedCount[c]`). */
  readonly #untouched: Int32Array[];
  readonly #untouchedCount: number[];
  readonly #tiers: TierPredictor | null;
  /**
   * The dataset's queries, one array each, handed out as they are (the same array every time),
   * so that texts formatted ahead of the load (encodeAhead) are found for them.
   */
  readonly queryVectors: Float32Array[];

  constructor(
    readonly scenario: Scenario,
    readonly collections: PlanCollection[],
    readonly vectors: PlanVectors,
    readonly now: NowS = () => performance.now() / 1000,
    /** Label searches `search@<tier>` (when criteria judge latency per tier). */
    labelTiers = false,
    /** Each collection's tier on the target as the load starts (default: all hot). */
    initialTiers?: TierStart[],
  ) {
    this.#picker = new OperationPicker(scenario.mix);
    this.queryVectors = Array.from(
      { length: vectors.queries },
      (_, q) => vectors.test.subarray(q * vectors.dim, (q + 1) * vectors.dim),
    );
    this.#untouched = collections.map((c) =>
      Int32Array.from({ length: c.end - c.start }, (_, i) => c.start + i)
    );
    this.#untouchedCount = collections.map((c) => c.end - c.start);
    const tiering = scenario.server.tiering;
    this.#tiers = tiering && labelTiers
      ? new TierPredictor(collections.length, tiering, now(), initialTiers)
      : null;
  }

  /** The RequestFactory for runLoad. */
  readonly next = (
    stream: Stream,
    index: number,
    intendedS: number,
  ): { label: TrafficLabel; request: PlannedRequest } =>
    this.#plan(stream, index, intendedS, true)!;

  /**
   * The plan's SkipArrival: for an arrival another shard sends, the same draws and the same
   * state changes (documents taken by updates and deletes, tier accesses) as `next`, without
   * building vectors or ids, so a shard keeps in step for a fraction of the cost.
   */
  readonly skip = (stream: Stream, index: number, intendedS: number): void => {
    this.#plan(stream, index, intendedS, false);
  };

  #plan(
    stream: Stream,
    index: number,
    intendedS: number,
    build: boolean,
  ): { label: TrafficLabel; request: PlannedRequest } | null {
    const state = this.#state(stream);
    const r = state.random;
    const collection = state.collections[state.pick(r.next(), intendedS)];
    let op = this.#picker.pick(r.next());
    if ((op === "update" || op === "delete") && this.#untouchedCount[collection] === 0) {
      op = "search";
    }
    const tenant = stream.tenant;
    const tier = this.#tiers?.access(collection, this.now());
    const label = (operation: string) => ({ label: { operation, tenant } });
    switch (op) {
      case "search": {
        const measured = this.scenario.recall !== null && r.next() < this.scenario.recall.share;
        const query = measured ? Math.floor(r.next() * this.vectors.queries) : -1;
        if (!build) return measured ? null : this.#skipNearBase(r);
        const vector = measured ? this.queryVectors[query] : this.#nearBase(collection, r);
        return {
          ...label(tier ? `search@${tier}` : "search"),
          request: { op, tenant, collection, vector, query },
        };
      }
      case "insert": {
        if (!build) return this.#skipNearBase(r);
        const docId = planDocId(this.scenario.seed, this.#streamIndex(stream), index);
        const vector = this.#nearBase(collection, r);
        return { ...label(op), request: { op, tenant, collection, docId, vector } };
      }
      case "update": {
        const row = this.#take(collection, r);
        if (!build) return this.#skipNearBase(r);
        const vector = this.#nearBase(collection, r);
        const docId = planDocId(this.scenario.seed, -1, row);
        return { ...label(op), request: { op, tenant, collection, docId, row, vector } };
      }
      case "delete": {
        const row = this.#take(collection, r);
        if (!build) return null;
        const docId = planDocId(this.scenario.seed, -1, row);
        return { ...label(op), request: { op, tenant, collection, docId, row } };
      }
      case "metadata": {
        const u = r.next();
        const kind = u < 0.4 ? "get_collection" : u < 0.6 ? "list_collections" : "get_document";
        const pick = kind === "get_document" ? r.next() : 0;
        if (!build) return null;
        const c = this.collections[collection];
        const docId = kind === "get_document"
          ? planDocId(this.scenario.seed, -1, c.start + Math.floor(pick * (c.end - c.start)))
          : undefined;
        return { ...label(op), request: { op, tenant, collection, kind, docId } };
      }
    }
  }

  #state(stream: Stream): StreamState {
    let s = this.#streams.get(stream.tenant);
    if (!s) {
      const own = this.collections.flatMap((c, i) => (c.tenant === stream.tenant ? [i] : []));
      if (own.length === 0) throw new RangeError(`no collections for tenant "${stream.tenant}"`);
      s = {
        random: loadStreamRandom(this.scenario.seed, "requests", this.#streamIndex(stream)),
        collections: own,
        pick: collectionPicker(this.scenario.dataset.access, own.length),
      };
      this.#streams.set(stream.tenant, s);
    }
    return s;
  }

  #streamIndex(stream: Stream): number {
    const i = this.scenario.tenants.findIndex((t) => t.name === stream.tenant);
    return i === -1 ? 0 : i;
  }

  /** Removes and returns a random untouched base row of the collection. */
  #take(collection: number, r: SeededRandom): number {
    const pool = this.#untouched[collection];
    const n = this.#untouchedCount[collection]--;
    const i = Math.floor(r.next() * n);
    const row = pool[i];
    pool[i] = pool[n - 1];
    return row;
  }

  /** The draws of #nearBase without its arithmetic (for `skip`). */
  #skipNearBase(r: SeededRandom): null {
    r.next();
    for (let j = 0; j < this.vectors.dim; j += 2) {
      r.next();
      r.next();
    }
    return null;
  }

  /** A base vector of the collection plus Gaussian noise of 10% of its per-coordinate scale. */
  #nearBase(collection: number, r: SeededRandom): Float32Array {
    const { dim, train } = this.vectors;
    const c = this.collections[collection];
    const row = c.start + Math.floor(r.next() * (c.end - c.start));
    const base = train.subarray(row * dim, (row + 1) * dim);
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += base[j] * base[j];
    const sigma = 0.1 * Math.sqrt(norm / dim);
    const out = new Float32Array(dim);
    for (let j = 0; j < dim; j += 2) {
      const u1 = 1 - r.next(), u2 = r.next();
      const radius = sigma * Math.sqrt(-2 * Math.log(u1));
      out[j] = base[j] + radius * Math.cos(2 * Math.PI * u2);
      if (j + 1 < dim) out[j + 1] = base[j + 1] + radius * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }
}
