import assert from "node:assert/strict";
import { recallByDistance, recallByIds } from "../src/dataset/recall.ts";

Deno.test("recallByIds counts true top-k ids among the first k results, in any order", () => {
  const truth = [4, 8, 15, 16, 23, 42];
  assert.equal(recallByIds(truth, [15, 4, 8], 3), 1);
  assert.equal(recallByIds(truth, [4, 99, 8, 15], 3), 2 / 3); // only the first k results count
  assert.equal(recallByIds(truth, [16, 23, 42], 3), 0); // beyond the true top-3
  assert.equal(recallByIds(truth, [4, 4, 4], 3), 1 / 3); // duplicates count once
  assert.equal(recallByIds(truth, [8], 3), 1 / 3); // short result lists
  assert.equal(recallByIds(new Int32Array(truth), new Int32Array([4, 8, 15, 16, 23, 42]), 6), 1);
});

Deno.test("recallByDistance: hit when within the k-th true distance + 1e-3 (ties count)", () => {
  const truth = [0.1, 0.2, 0.3, 0.3, 0.9];
  assert.equal(recallByDistance(truth, [0.1, 0.2, 0.3], 3), 1);
  // A different id at the same distance as the 3rd neighbour (a tie) is still a hit.
  assert.equal(recallByDistance(truth, [0.1, 0.3, 0.3], 3), 1);
  assert.equal(recallByDistance(truth, [0.1, 0.2, 0.3009], 3), 1);
  assert.equal(recallByDistance(truth, [0.1, 0.2, 0.3011], 3), 2 / 3);
  assert.equal(recallByDistance(truth, [0.5, 0.6, 0.9], 3), 0);
  assert.equal(recallByDistance(truth, [0.1], 3), 1 / 3);
  assert.equal(recallByDistance(truth, [0.1, 0.2, 0.35], 3, 0.1), 1);
  assert.equal(recallByDistance([-5, -4, -3], [-4.5, -3.0005, -2], 2), 0.5); // dot: negatives
});

Deno.test("recall rejects k outside 1..ground-truth depth", () => {
  assert.throws(() => recallByIds([1, 2], [1, 2], 3), RangeError);
  assert.throws(() => recallByIds([1, 2], [1, 2], 0), RangeError);
  assert.throws(() => recallByDistance([0.1], [0.1], 1.5), RangeError);
});
