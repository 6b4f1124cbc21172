import { setImmediate } from "node:timers/promises";
import type { DocumentHit } from "../collection.ts";
import type { CollectionMetric } from "../collection_meta.ts";
import { scoreToDistance } from "../similarity.ts";
import { float32Text } from "../float32_text.ts";

/**
 * Hits encoded per step of a streamed answer: encoding 10,000 hits at once took ~40 ms of the
 * request loop (100k × 128 cosine, 2026-12-05); 500 take ~2 ms.
 */
const HITS_PER_CHUNK = 500;

/**
 * The query answer `{"matches": [...], "latency_ms": …}`, each distance a float32 in its shortest
 * form, as AkiDB (an f32 through serde_json) writes it. Up to HITS_PER_CHUNK hits it is one
 * string; larger answers are a stream encoded HITS_PER_CHUNK hits per step, each step after a
 * turn of the event loop, so other requests run between the steps of a large answer.
 */
export function queryResponseBody(
  hits: DocumentHit[],
  metric: CollectionMetric,
  latencyMs: number,
): string | ReadableStream<Uint8Array> {
  const encode = (from: number, to: number) =>
    hits.slice(from, to).map((hit) =>
      `{"doc_id":"${hit.docId}","external_id":${JSON.stringify(hit.externalId)},"distance":${
        distanceText(scoreToDistance(metric, hit.score))
      }}`
    ).join(",");
  const tail = `],"latency_ms":${JSON.stringify(latencyMs)}}`;
  if (hits.length <= HITS_PER_CHUNK) return `{"matches":[${encode(0, hits.length)}${tail}`;
  const bytes = new TextEncoder();
  let from = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (from > 0) await setImmediate();
      const to = Math.min(hits.length, from + HITS_PER_CHUNK);
      const head = from === 0 ? `{"matches":[` : ",";
      controller.enqueue(bytes.encode(head + encode(from, to) + (to === hits.length ? tail : "")));
      if (to === hits.length) controller.close();
      from = to;
    },
  });
}

/**
 * A distance as AkiDB's f32 prints, in its shortest form. Beyond float32's range (a dot product
 * of huge vectors) AkiDB's f32 overflows to inf, which serde_json writes as null; the reference
 * computes in double and writes that double instead, so clients always get a number.
 */
function distanceText(distance: number): string {
  const single = Math.fround(distance);
  return Number.isFinite(single) ? float32Text(single) : JSON.stringify(distance);
}
