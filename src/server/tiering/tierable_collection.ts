import type { Collection } from "../collection.ts";
import type { Store } from "../store.ts";

/** What tiering needs from one collection of the storage engine. */
export interface TierableCollection {
  readonly id: string;
  /** The RAM index as bytes (empty when the collection has no index yet). */
  serializeIndex(): Promise<Uint8Array>;
  /** Puts a serialized index back into RAM. */
  restoreIndex(bytes: Uint8Array): Promise<void>;
  /** Frees the RAM index; the collection is then searched exactly over its stored vectors. */
  dropIndex(): void;
  /** True when an index is in RAM. */
  indexInRam(): boolean;
}

/** The set of collections tiering manages. */
export interface TierHost {
  ids(): string[];
  get(id: string): TierableCollection | undefined;
}

/** Tiering's view of a core Collection: the HNSW graph is what moves between tiers. */
export function tierableOf(collection: Collection): TierableCollection {
  return {
    id: collection.meta.id,
    serializeIndex: async () => await collection.index.serializeGraph() ?? new Uint8Array(),
    restoreIndex: async (bytes) => {
      if (bytes.length > 0) await collection.index.restoreGraph(bytes);
      collection.index.resetPending(collection.liveSlots());
    },
    dropIndex: () => collection.index.dropGraph(collection.liveSlots()),
    indexInRam: () => collection.index.graphSize > 0,
  };
}

/** Tiering's view of the core Store. */
export function tierHostOf(store: Store): TierHost {
  return {
    ids: () => [...store.collections.keys()],
    get: (id) => {
      const collection = store.collections.get(id);
      return collection === undefined ? undefined : tierableOf(collection);
    },
  };
}
