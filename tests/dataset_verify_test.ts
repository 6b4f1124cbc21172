import assert from "node:assert/strict";
import type { Dataset } from "../src/dataset/dataset.ts";
import { generateDataset } from "../src/dataset/generate.ts";
import { sampleQueries, verifyGroundTruth } from "../src/dataset/verify.ts";

const dataset = await generateDataset({
  size: 300,
  dim: 8,
  queries: 20,
  k: 6,
  metric: "l2",
  distribution: "clustered",
  clusters: 4,
  seed: 21,
});

function copy(ds: Dataset): Dataset {
  return { ...ds, neighbors: ds.neighbors.slice(), distances: ds.distances.slice() };
}

Deno.test("sampleQueries spreads the sample evenly and caps it at the query count", () => {
  assert.deepEqual(sampleQueries(20, 4), [0, 5, 10, 15]);
  assert.deepEqual(sampleQueries(3, 10), [0, 1, 2]);
  assert.deepEqual(sampleQueries(5, 0), [0]);
});

Deno.test("a correct ground truth verifies with no mismatches", async () => {
  const report = await verifyGroundTruth(dataset, sampleQueries(20, 20));
  assert.equal(report.checked.length, 20);
  assert.deepEqual(report.mismatches, []);
});

Deno.test("a wrong id or a wrong distance is reported at its query and rank", async () => {
  const wrongId = copy(dataset);
  wrongId.neighbors[5 * 6 + 2] = wrongId.neighbors[5 * 6 + 5];
  const a = await verifyGroundTruth(wrongId, [0, 5, 10]);
  assert.deepEqual(a.mismatches.map((m) => [m.query, m.rank]), [[5, 2]]);
  assert.ok(a.mismatches[0].actualDistance > a.mismatches[0].storedDistance);

  const wrongDistance = copy(dataset);
  wrongDistance.distances[10 * 6] *= 1.01;
  const b = await verifyGroundTruth(wrongDistance, [0, 5, 10]);
  assert.deepEqual(b.mismatches.map((m) => [m.query, m.rank]), [[10, 0]]);
  // Unsampled queries are not checked.
  assert.deepEqual((await verifyGroundTruth(wrongDistance, [0, 5])).mismatches, []);
});

Deno.test("equally distant neighbours may be stored in either order (ties)", async () => {
  const train = new Float32Array([1, 0, 0, 1, -1, 0, 0, -1, 5, 5]);
  const ds: Dataset = {
    name: "ties",
    metric: "l2",
    size: 5,
    dim: 2,
    queries: 1,
    k: 4,
    train,
    test: new Float32Array([0, 0]),
    neighbors: new Int32Array([3, 1, 0, 2]),
    distances: new Float32Array([1, 1, 1, 1]),
    hash: "",
  };
  assert.deepEqual((await verifyGroundTruth(ds, [0])).mismatches, []);
});
