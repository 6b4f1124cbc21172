import type { Collection } from "../collection.ts";
import type { Store } from "../store.ts";

/** The set of collections tiering manages (the core's collections, resident or evicted). */
export interface TierHost {
  ids(): string[];
  get(id: string): Collection | undefined;
}

/** Tiering's view of the core Store. */
export function tierHostOf(store: Store): TierHost {
  return {
    ids: () => [...store.collections.keys()],
    get: (id) => store.collections.get(id),
  };
}
