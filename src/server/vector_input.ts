import type { CollectionMeta } from "./collection_meta.ts";
import { DomainError } from "./domain_error.ts";
import { excerpt } from "./excerpt.ts";

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Checks a JSON vector against a collection and converts it to float32: every element a finite
 * number within float32 range, length = dimension, and not all zeros for cosine.
 */
export function toFloat32Vector(
  value: unknown[],
  meta: CollectionMeta,
  field: string,
): Float32Array {
  if (value.length !== meta.dimension) {
    throw new DomainError(
      "invalid_input",
      `${field} has dimension ${value.length}, collection ${meta.id} expects ${meta.dimension}`,
    );
  }
  const vector = new Float32Array(value.length);
  let nonZero = false;
  for (let i = 0; i < value.length; i++) {
    const x = value[i];
    if (typeof x !== "number" || !Number.isFinite(x) || Math.abs(x) > FLOAT32_MAX) {
      throw new DomainError(
        "invalid_input",
        `${field}[${i}] must be a finite float32 number, got ${excerpt(String(JSON.stringify(x)))}`,
      );
    }
    vector[i] = x;
    if (x !== 0) nonZero = true;
  }
  if (!nonZero && meta.metric === "cosine") {
    throw new DomainError("invalid_input", `${field} is all zeros, which has no cosine similarity`);
  }
  return vector;
}
