import assert from "node:assert/strict";
import { Gaussian, lnUnit } from "../src/dataset/gaussian.ts";
import { streamRandom } from "../src/dataset/prng.ts";

Deno.test("lnUnit agrees with Math.log to 1e-15 relative over (0, 1)", () => {
  for (const s of [1e-300, 1e-10, 0.001, 0.25, 0.5, 0.7071, 0.70711, 0.9, 0.999999, 1 - 2 ** -52]) {
    const rel = Math.abs(lnUnit(s) - Math.log(s)) / Math.abs(Math.log(s));
    assert.ok(rel < 1e-15, `ln(${s}): relative error ${rel}`);
  }
  for (let i = 1; i < 10_000; i++) {
    const s = i / 10_000;
    assert.ok(Math.abs(lnUnit(s) - Math.log(s)) <= 1e-15 * Math.abs(Math.log(s)) + 1e-17);
  }
});

Deno.test("Gaussian samples have mean 0, variance 1, kurtosis 3 and repeat exactly", () => {
  const n = 200_000;
  const gauss = new Gaussian(streamRandom(9, 1, 0));
  let m1 = 0, m2 = 0, m4 = 0;
  const firsts: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = gauss.next();
    if (i < 4) firsts.push(x);
    m1 += x;
    m2 += x * x;
    m4 += x ** 4;
  }
  assert.ok(Math.abs(m1 / n) < 0.01, `mean ${m1 / n}`);
  assert.ok(Math.abs(m2 / n - 1) < 0.02, `variance ${m2 / n}`);
  assert.ok(Math.abs(m4 / n - 3) < 0.1, `fourth moment ${m4 / n}`);
  const again = new Gaussian(streamRandom(9, 1, 0));
  assert.deepEqual(firsts, [again.next(), again.next(), again.next(), again.next()]);
});
