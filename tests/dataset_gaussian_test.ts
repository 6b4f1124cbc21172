import assert from "node:assert/strict";
import { exp, lnUnit } from "../src/dataset/exact_math.ts";
import { Gaussian } from "../src/dataset/gaussian.ts";
import { streamRandom } from "../src/dataset/prng.ts";

Deno.test("lnUnit agrees with Math.log to 1e-15 relative over (0, 1]", () => {
  for (const s of [1e-300, 1e-10, 0.001, 0.25, 0.5, 0.7071, 0.70711, 0.9, 1 - 2 ** -52]) {
    const rel = Math.abs(lnUnit(s) - Math.log(s)) / Math.abs(Math.log(s));
    assert.ok(rel < 1e-15, `ln(${s}): relative error ${rel}`);
  }
  assert.equal(lnUnit(1), 0);
  for (let i = 1; i < 10_000; i++) {
    const s = i / 10_000;
    assert.ok(Math.abs(lnUnit(s) - Math.log(s)) <= 1e-15 * Math.abs(Math.log(s)) + 1e-17);
  }
});

Deno.test("exp agrees with Math.exp to 1e-14 relative over [-50, 50]", () => {
  for (let x = -50; x <= 50; x += 0.0137) {
    const rel = Math.abs(exp(x) - Math.exp(x)) / Math.exp(x);
    assert.ok(rel < 1e-14, `exp(${x}): relative error ${rel}`);
  }
  assert.equal(exp(0), 1);
});

Deno.test("Gaussian samples: mean 0, variance 1, kurtosis 3, normal tails; repeatable", () => {
  const n = 400_000;
  const gauss = new Gaussian(streamRandom(9, 1, 0));
  let m1 = 0, m2 = 0, m4 = 0, beyond2 = 0, beyond35 = 0;
  const firsts: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = gauss.next();
    if (i < 4) firsts.push(x);
    m1 += x;
    m2 += x * x;
    m4 += x ** 4;
    if (Math.abs(x) > 2) beyond2++;
    if (Math.abs(x) > 3.5) beyond35++;
  }
  assert.ok(Math.abs(m1 / n) < 0.008, `mean ${m1 / n}`);
  assert.ok(Math.abs(m2 / n - 1) < 0.01, `variance ${m2 / n}`);
  assert.ok(Math.abs(m4 / n - 3) < 0.06, `fourth moment ${m4 / n}`);
  // P(|x| > 2) = 0.0455, P(|x| > 3.5) = 4.65e-4 (the Ziggurat tail starts at 3.44).
  assert.ok(Math.abs(beyond2 / n - 0.0455) < 0.002, `P(|x|>2) ${beyond2 / n}`);
  assert.ok(Math.abs(beyond35 / n - 4.65e-4) < 1.2e-4, `P(|x|>3.5) ${beyond35 / n}`);
  const again = new Gaussian(streamRandom(9, 1, 0));
  assert.deepEqual(firsts, [again.next(), again.next(), again.next(), again.next()]);
});
