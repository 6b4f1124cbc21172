import type { StoredDocument } from "../collection.ts";
import { float32Text } from "../float32_text.ts";

/**
 * A time as chrono's `DateTime<Utc>::to_rfc3339()` writes it, which AkiDB uses for created_at and
 * inserted_at: "+00:00" rather than "Z", and no fraction for a whole second (our times are ms).
 */
export function rfc3339(ms: number): string {
  const iso = new Date(ms).toISOString();
  return (iso.endsWith(".000Z") ? iso.slice(0, -5) : iso.slice(0, -1)) + "+00:00";
}

/** A float32 array as serde_json writes a Vec<f32>: each element in ryu's shortest form. */
export function float32ArrayJson(values: Float32Array): string {
  let text = "[";
  for (let i = 0; i < values.length; i++) text += (i === 0 ? "" : ",") + float32Text(values[i]);
  return text + "]";
}

/** The body of GET …/docs/:doc_id: `{"document": {…} | null}`, fields in AkiDB's order. */
export function documentResponseBody(doc: StoredDocument | null): string {
  if (doc === null) return `{"document":null}`;
  return `{"document":{"doc_id":${JSON.stringify(doc.doc_id)},"external_id":${
    JSON.stringify(doc.external_id)
  },"vector":${float32ArrayJson(doc.vector)},"inserted_at":"${rfc3339(doc.insertedAtMs)}"}}`;
}
