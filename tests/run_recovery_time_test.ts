import assert from "node:assert/strict";
import { evaluateCriterion, NOT_RECOVERED } from "../src/criteria/evaluate.ts";
import { parseCriterion } from "../src/criteria/parse.ts";
import type { RunResult } from "../src/result/run_result.ts";
import { faultsEndS, recoveryTimeMs } from "../src/run/recovery_time.ts";

/** Breaker state and DLQ size sampled once a second from t = 0. */
function series(breaker: number[], dlq: number[]) {
  const points = (v: number[]) => v.map((value, t) => ({ t, value }));
  return { akidb_circuit_breaker_state: points(breaker), akidb_dlq_size: points(dlq) };
}

Deno.test("recovery time: from the faults' end to the first sample from which on the breaker stays closed and the DLQ empty", () => {
  const end = faultsEndS([
    { atS: 2, durationS: 2 },
    { atS: 3, durationS: 2 },
  ]);
  assert.equal(end, 5);
  //            t: 0  1  2  3  4  5  6  7  8  9
  const breaker = [0, 0, 1, 1, 2, 2, 0, 0, 0, 0];
  assert.equal(recoveryTimeMs(series(breaker, [0, 0, 1, 2, 3, 3, 3, 0, 0, 0]), end), 2000);
  // The DLQ drained, then filled again: recovered only from the last drain on.
  assert.equal(recoveryTimeMs(series(breaker, [0, 0, 1, 1, 1, 1, 0, 2, 0, 0]), end), 3000);
  // Still half-open, or dead letters left, at the end: not recovered.
  assert.equal(
    recoveryTimeMs(series([0, 1, 1, 2, 2, 2, 0, 0, 0, 2], Array(10).fill(0)), end),
    null,
  );
  assert.equal(recoveryTimeMs(series(breaker, [0, 0, 1, 1, 1, 1, 1, 1, 1, 1]), end), null);
  // Healthy throughout: recovered at the first sample after the faults' end.
  assert.equal(recoveryTimeMs(series(Array(10).fill(0), Array(10).fill(0)), 4.5), 500);
  assert.equal(recoveryTimeMs({}, end), null);
});

Deno.test("recovery_time criterion: in ms from the run's checks; a run that did not recover says so", () => {
  const c = parseCriterion("recovery_time < 240s");
  assert.equal(c.threshold, 240_000);
  assert.equal(c.unit, "ms");
  const run = (checks: Record<string, number>) => ({ checks }) as unknown as RunResult;
  const ok = evaluateCriterion(c, run({ crashes: 0, recovery_time: 1001 }));
  assert.equal(ok.passed, true);
  assert.equal(ok.observed, 1001);
  const not = evaluateCriterion(c, run({ crashes: 0 }));
  assert.equal(not.passed, false);
  assert.equal(not.reason, NOT_RECOVERED);
});
