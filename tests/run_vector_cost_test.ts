import assert from "node:assert/strict";
import { MIN_MEASURED_VECTORS, vectorCost } from "../src/run/vector_cost.ts";

Deno.test("vector cost: the target's RSS growth per vector over the bulk load", () => {
  // 50,000 vectors that grew RSS from 112 to 262 MB: 3,146 bytes each (raw floats: 2,048).
  assert.deepEqual(vectorCost(112, 262, 50_000, 512), { bytes: 3146, source: "bulk_load" });
  // A target that keeps its vectors on disk may not grow; a cost below 0 is noise.
  assert.deepEqual(vectorCost(300, 290, 50_000, 512), { bytes: 0, source: "bulk_load" });
});

Deno.test("vector cost: the raw floats when the bulk load cannot be measured", () => {
  const raw = { bytes: 512 * 4, source: "raw" };
  assert.deepEqual(vectorCost(null, 262, 50_000, 512), raw, "no RSS before");
  assert.deepEqual(vectorCost(112, null, 50_000, 512), raw, "no RSS after");
  assert.deepEqual(vectorCost(112, 262, MIN_MEASURED_VECTORS - 1, 512), raw, "too few vectors");
  assert.equal(vectorCost(112, 113, MIN_MEASURED_VECTORS, 512).source, "bulk_load");
});
