import assert from "node:assert/strict";
import { SplitMix64, streamRandom, Xoshiro128ss } from "../src/dataset/prng.ts";

Deno.test("SplitMix64 matches the reference outputs for seed 1234567", () => {
  const random = new SplitMix64(1234567n);
  assert.deepEqual(
    [random.next(), random.next(), random.next()],
    [6457827717110365317n, 3203168211198807973n, 9817491932198370423n],
  );
});

Deno.test("xoshiro128** matches the reference outputs for state (1, 2, 3, 4)", () => {
  const words = [(2n << 32n) | 1n, (4n << 32n) | 3n];
  const random = new Xoshiro128ss({ next: () => words.shift()! });
  const outputs = Array.from({ length: 6 }, () => random.nextUint32());
  assert.deepEqual(outputs, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
});

Deno.test("streamRandom: fixed outputs per (seed, stream, block), independent streams", () => {
  const take = (r: Xoshiro128ss) => Array.from({ length: 5 }, () => r.nextUint32());
  // Computed by an independent Python implementation of SplitMix64 + xoshiro128**.
  assert.deepEqual(
    take(streamRandom(42, 2, 0)),
    [1304225773, 1555798811, 762488555, 2162256336, 4109035437],
  );
  assert.notDeepEqual(take(streamRandom(42, 2, 1)), take(streamRandom(42, 2, 0)));
  assert.notDeepEqual(take(streamRandom(42, 3, 0)), take(streamRandom(42, 2, 0)));
  assert.notDeepEqual(take(streamRandom(43, 2, 0)), take(streamRandom(42, 2, 0)));
});

Deno.test("nextSigned and nextBelow stay in range and cover it", () => {
  const random = streamRandom(1, 1, 0);
  let min = 1;
  let max = -1;
  const counts = new Array(7).fill(0);
  for (let i = 0; i < 70_000; i++) {
    const u = random.nextSigned();
    min = Math.min(min, u);
    max = Math.max(max, u);
    counts[random.nextBelow(7)]++;
  }
  assert.ok(min >= -1 && min < -0.999 && max < 1 && max > 0.999);
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `bucket count ${c}`);
});
