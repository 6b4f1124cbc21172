import assert from "node:assert/strict";
import { beyondWritesText } from "../src/report/run_cells.ts";
import { MIN_MEASURED_VECTORS, vectorCost } from "../src/run/vector_cost.ts";

Deno.test("vector cost: the target's RSS growth per vector over the bulk load", () => {
  // 50,000 vectors that grew RSS from 112 to 262 MB: 3,146 bytes each (raw floats: 2,048).
  assert.deepEqual(vectorCost(112, 262, 50_000, 512), { bytes: 3146, source: "bulk_load" });
  // A target that keeps its vectors on disk may not grow; a cost below 0 is noise.
  assert.deepEqual(vectorCost(300, 290, 50_000, 512), { bytes: 0, source: "bulk_load" });
});

Deno.test("vector cost: the raw floats when the bulk load cannot be measured", () => {
  const raw = { bytes: 512 * 4, source: "raw", rawReason: "no target RSS around the bulk load" };
  assert.deepEqual(vectorCost(null, 262, 50_000, 512), raw, "no RSS before");
  assert.deepEqual(vectorCost(112, null, 50_000, 512), raw, "no RSS after");
  assert.deepEqual(vectorCost(112, 262, MIN_MEASURED_VECTORS - 1, 512), {
    ...raw,
    rawReason: `bulk load of ${MIN_MEASURED_VECTORS - 1} vectors, under ${MIN_MEASURED_VECTORS}`,
  }, "too few vectors");
  assert.equal(vectorCost(112, 113, MIN_MEASURED_VECTORS, 512).source, "bulk_load");
});

Deno.test("the report prints the raw-cost reason its result recorded, and none for older results", () => {
  const memory = {
    start: 100,
    end: 120,
    peak: 121,
    growth_per_min: 2,
    written: 12.5,
    growth_beyond_writes_per_min: 0.5,
    bytes_per_vector: 2048,
    bytes_per_vector_source: "raw" as const,
  };
  const recorded = beyondWritesText({
    ...memory,
    bytes_per_vector_raw_reason: "bulk load of 400 vectors, under 5000",
  })!;
  // The threshold of the run that made the result, not today's MIN_MEASURED_VECTORS.
  assert.match(
    recorded,
    /\(2 KB each, raw floats: not measured \(bulk load of 400 vectors, under 5000\)\)/,
  );
  const old = beyondWritesText(memory)!;
  assert.match(old, /\(2 KB each, raw floats: not measured\);/);
  assert.ok(!old.includes(String(MIN_MEASURED_VECTORS)), old);
});
