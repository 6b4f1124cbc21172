import type { CollectionMetric } from "./collection_meta.ts";
import { similarity } from "./similarity.ts";
import { TopK } from "./top_k.ts";
import { type SharedVectors, VectorStore } from "./vector_store.ts";

/**
 * A search that scores every live slot exactly, over the state of a collection at one moment:
 * its vectors up to `vectors.count` and which of those slots were live (`live[slot]` is 1).
 */
export interface ExactScanJob {
  metric: CollectionMetric;
  query: Float32Array;
  queryNorm: number;
  k: number;
  vectors: SharedVectors;
  live: Uint8Array<ArrayBuffer>;
}

/** The best `k` slots of a scan, best first (ties: lower slot first). */
export interface ExactScanResult {
  slots: Int32Array<ArrayBuffer>;
  scores: Float64Array<ArrayBuffer>;
}

/** Runs `job` (in a scan worker; the request loop hands it over, see scan_pool.ts). */
export async function exactScan(job: ExactScanJob): Promise<ExactScanResult> {
  const { metric, query, queryNorm, live } = job;
  const vectors = VectorStore.attach(job.vectors);
  const top = new TopK(job.k);
  for (let slot = 0; slot < vectors.count; slot++) {
    if (live[slot] !== 1) continue;
    const score = similarity(
      metric,
      query,
      queryNorm,
      vectors.arrayOf(slot),
      vectors.offsetOf(slot),
      vectors.norm(slot),
    );
    top.push(slot, score);
  }
  const hits = await top.sorted();
  const slots = new Int32Array(hits.length);
  const scores = new Float64Array(hits.length);
  hits.forEach((hit, i) => {
    slots[i] = hit.slot;
    scores[i] = hit.score;
  });
  return { slots, scores };
}
