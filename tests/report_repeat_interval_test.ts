import assert from "node:assert/strict";
import { welchInterval } from "../src/report/repeat_interval.ts";

Deno.test("welchInterval: Welch's t interval of a difference of means over repeated runs", () => {
  // Means 2 and 5, variances 1 and 1 over 3 runs each: se² = 2/3, Welch df = 4, t = 2.776.
  const [lo, hi] = welchInterval([1, 2, 3], [4, 5, 6]);
  const half = 2.776 * Math.sqrt(2 / 3);
  assert.ok(Math.abs(lo - (3 - half)) < 1e-9 && Math.abs(hi - (3 + half)) < 1e-9, `${lo} ${hi}`);
  // Unequal spreads: the degrees of freedom fall towards the noisier side's (t grows).
  const [l2, h2] = welchInterval([10, 10.1, 9.9], [10, 14, 6]);
  assert.ok(l2 < -9 && h2 > 9, `${l2} ${h2}`);
  // No spread on either side: the difference itself.
  assert.deepEqual(welchInterval([2, 2], [3, 3]), [1, 1]);
});
