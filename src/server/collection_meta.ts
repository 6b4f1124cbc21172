/** Distance metrics of the AkiDB contract. */
export type CollectionMetric = "cosine" | "l2" | "dot";

/** HNSW parameters of one collection's index. */
export interface IndexParams {
  /** Graph degree (usearch `connectivity`). */
  m: number;
  efConstruction: number;
  efSearch: number;
  /** Below this many live vectors a collection is searched exactly (no HNSW). */
  exactThreshold: number;
  /** Element type the HNSW graph stores vectors as; results are re-ranked with exact f32. */
  quantization: "f32" | "f16";
}

export const DEFAULT_INDEX_PARAMS: IndexParams = {
  m: 16,
  efConstruction: 128,
  efSearch: 96,
  exactThreshold: 2048,
  quantization: "f16",
};

/** What identifies a collection; persisted in the WAL and in snapshots. */
export interface CollectionMeta {
  id: string;
  name: string;
  dimension: number;
  metric: CollectionMetric;
  /** Tenant that owns the collection ("default" without tenancy). */
  owner: string;
  embeddingModel: string | null;
  /** Unix milliseconds. */
  createdAt: number;
  index: IndexParams;
}
