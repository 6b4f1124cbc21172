import assert from "node:assert/strict";
import { VectorStore } from "../src/server/vector_store.ts";

const DIM = 3;

function vectorOf(slot: number): Float32Array {
  return Float32Array.of(slot, -slot, slot / 2 + 1);
}

function concat(ranges: Float32Array[]): number[] {
  return ranges.flatMap((range) => [...range]);
}

function expected(from: number, to: number): number[] {
  const out: number[] = [];
  for (let slot = from; slot < to; slot++) out.push(...vectorOf(slot));
  return out;
}

Deno.test("vector store: get, norm and ranges across block boundaries, after an adopted base", () => {
  for (const base of [0, 5, 1024]) {
    const store = new VectorStore(DIM);
    if (base > 0) {
      const data = new Float32Array(base * DIM);
      for (let slot = 0; slot < base; slot++) data.set(vectorOf(slot), slot * DIM);
      store.adopt(data);
    }
    for (let slot = base; slot < 2600; slot++) assert.equal(store.append(vectorOf(slot)), slot);
    assert.equal(store.count, 2600);
    assert.equal(store.bytes, 2600 * DIM * 4);
    for (const slot of [0, 4, 5, 1023, 1024, 1028, 2047, 2048, 2599]) {
      assert.deepEqual([...store.get(slot)], [...vectorOf(slot)], `base ${base} slot ${slot}`);
      const at = store.offsetOf(slot);
      assert.deepEqual([...store.arrayOf(slot).subarray(at, at + DIM)], [...vectorOf(slot)]);
      const v = vectorOf(slot);
      assert.equal(store.norm(slot), Math.sqrt(v[0] ** 2 + v[1] ** 2 + v[2] ** 2));
    }
    for (
      const [from, to] of [[0, 2600], [3, 7], [1000, 1100], [1024, 2048], [2599, 2600], [9, 9]]
    ) {
      assert.deepEqual(concat(store.ranges(from, to)), expected(from, to), `${from}..${to}`);
    }
  }
});

Deno.test("vector store: views stay valid after later appends; capacity grows by one block", () => {
  const store = new VectorStore(DIM);
  store.append(vectorOf(0));
  const view = store.get(0);
  const range = store.ranges(0, 1);
  const before = store.capacityBytes;
  for (let slot = 1; slot < 1025; slot++) store.append(vectorOf(slot));
  assert.deepEqual([...view], [...vectorOf(0)]);
  assert.deepEqual(concat(range), expected(0, 1));
  assert.ok(store.capacityBytes - before <= 1024 * DIM * 4 + 1024 * 4 * 2);
});

Deno.test("vector store: adopt needs an empty store", () => {
  const store = new VectorStore(DIM);
  store.append(vectorOf(1));
  assert.throws(() => store.adopt(new Float32Array(DIM)), /empty vector store/);
});

Deno.test("vector store: adopt refuses a partial vector", () => {
  const store = new VectorStore(DIM);
  assert.throws(
    () => store.adopt(new Float32Array(2 * DIM + 1)),
    /7 floats are not whole vectors of 3/,
  );
  assert.equal(store.count, 0);
});

Deno.test("vector store: norms of vectors near the float32 maximum stay finite", () => {
  const store = new VectorStore(DIM);
  const max = 3.4028234663852886e38;
  const slot = store.append(Float32Array.of(max, -max, max));
  assert.equal(store.norm(slot), Math.sqrt(3) * max);
});
