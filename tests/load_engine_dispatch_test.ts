import assert from "node:assert/strict";
import { ArrivalSchedule } from "../src/load/arrival_schedule.ts";
import type { Clock } from "../src/load/clock.ts";
import { runLoad, TIMEOUT_GROUP_MS } from "../src/load/engine.ts";
import type { LoadSpec } from "../src/load/load_spec.ts";
import { makeRateProfile } from "../src/load/rate_profile.ts";

/** Virtual time: sleeping and taking a turn advance it; nothing waits for real. */
class FakeClock implements Clock {
  t = 0;
  now = () => this.t;
  sleep = (ms: number) => {
    this.t += ms;
    return Promise.resolve();
  };
  nextTurn = (fn: () => void) => {
    this.t += 0.01;
    queueMicrotask(fn);
  };
}

function spec(arrivals: "uniform" | "poisson"): LoadSpec {
  const profile = (qps: number) => makeRateProfile({ type: "constant", qps }, 3, 5);
  return {
    durationS: 3,
    arrivals,
    overflow: "queue",
    timeoutMs: 1000,
    seed: 5,
    streams: [
      { tenant: "a", profile: profile(40), maxInFlight: 4 },
      { tenant: "b", profile: profile(7), maxInFlight: 4 },
    ],
  };
}

for (const arrivals of ["uniform", "poisson"] as const) {
  Deno.test(`engine dispatch (${arrivals}, fake clock): every arrival sent at its intended time`, async () => {
    const s = spec(arrivals);
    const clock = new FakeClock();
    const sent: { tenant: string; index: number; at: number }[] = [];
    const out = await runLoad(
      s,
      (stream, index) => ({
        label: { operation: "search", tenant: stream.tenant },
        request: { tenant: stream.tenant, index },
      }),
      (r) => {
        sent.push({ ...r, at: clock.now() });
        return Promise.resolve();
      },
      { clock },
    );
    s.streams.forEach((stream, i) => {
      const schedule = new ArrivalSchedule(stream.profile, arrivals, s.seed, i);
      const expected: number[] = [];
      for (let t = schedule.next(); t !== null; t = schedule.next()) expected.push(t * 1000);
      const got = sent.filter((x) => x.tenant === stream.tenant);
      assert.deepEqual(got.map((x) => x.index), expected.map((_, k) => k));
      got.forEach((x, k) => {
        const lag = x.at - expected[k];
        assert.ok(lag >= 0 && lag < 0.05, `${stream.tenant}#${k} lag ${lag} ms`);
      });
    });
    assert.equal(out.totals.total_requests, sent.length);
    assert.equal(out.totals.successful_requests, sent.length);
    assert.ok(out.generator.schedule_lag_ms.max < 0.05);
    assert.equal(out.generator.valid, true);
    assert.deepEqual(out.tenants.filter((t) => t.operation === "all").map((t) => t.tenant), [
      "a",
      "b",
    ]);
    assert.equal(out.perSecond.slice(0, 3).reduce((n, p) => n + p.offered, 0), sent.length);
  });
}

Deno.test("engine dispatch (fake clock): same seed, same request sequence", async () => {
  const run = async () => {
    const seen: string[] = [];
    await runLoad(
      spec("poisson"),
      (stream, index) => ({
        label: { operation: "search", tenant: stream.tenant },
        request: `${stream.tenant}${index}`,
      }),
      (r) => {
        seen.push(r);
        return Promise.resolve();
      },
      { clock: new FakeClock() },
    );
    return seen;
  };
  assert.deepEqual(await run(), await run());
});

Deno.test("engine dispatch (fake clock): a hung request's signal fires once it has timed out, never before", async () => {
  const clock = new FakeClock();
  const timeoutMs = 100;
  const sent: { at: number; signal: AbortSignal }[] = [];
  const aborted: { sentAt: number; at: number; reason: string }[] = [];
  const out = await runLoad(
    {
      durationS: 1,
      arrivals: "uniform",
      overflow: "queue",
      timeoutMs,
      seed: 1,
      streams: [{
        tenant: "",
        profile: makeRateProfile({ type: "constant", qps: 2000 }, 1, 1),
        maxInFlight: 10_000,
      }],
    },
    () => ({ label: { operation: "get", tenant: "" }, request: null }),
    (_request, signal) => {
      const sentAt = clock.now();
      sent.push({ at: sentAt, signal });
      return new Promise((_resolve, reject) => {
        signal.addEventListener("abort", () => {
          aborted.push({ sentAt, at: clock.now(), reason: (signal.reason as DOMException).name });
          reject(signal.reason);
        });
      });
    },
    { clock },
  );
  assert.ok(sent.length >= 1999);
  assert.equal(aborted.length, sent.length, "every hung request was aborted");
  for (const a of aborted) {
    assert.equal(a.reason, "TimeoutError");
    const age = a.at - a.sentAt;
    assert.ok(age >= timeoutMs && age <= timeoutMs + TIMEOUT_GROUP_MS + 2, `aborted at age ${age}`);
  }
  assert.ok(new Set(sent.map((s) => s.signal)).size < sent.length, "close sends share a signal");
  assert.equal(out.totals.failed_requests, sent.length);
  assert.deepEqual(out.operations[0].errors_by_class, { timeout: sent.length });
  // Counted at timeoutMs (HDR histograms keep 3 significant digits).
  assert.ok(
    out.operations[0].latency_ms.min >= timeoutMs * 0.999,
    `${out.operations[0].latency_ms.min}`,
  );
});
