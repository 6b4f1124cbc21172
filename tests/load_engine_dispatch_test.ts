import assert from "node:assert/strict";
import { ArrivalSchedule } from "../src/load/arrival_schedule.ts";
import type { Clock } from "../src/load/clock.ts";
import { runLoad, runShard, SKIP_SLACK_MS, TIMEOUT_GROUP_MS } from "../src/load/engine.ts";
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

for (const arrivals of ["uniform", "poisson"] as const) {
  Deno.test(`engine shard 1/3 (${arrivals}, fake clock): sends its arrivals on time, skips the others in order, never early`, async () => {
    const s = spec(arrivals);
    const clock = new FakeClock();
    const calls: { tenant: string; index: number; at: number; own: boolean; intendedMs: number }[] =
      [];
    await runShard(
      s,
      (stream, index, intendedS) => {
        calls.push({
          tenant: stream.tenant,
          index,
          at: clock.now(),
          own: true,
          intendedMs: intendedS * 1000,
        });
        return { label: { operation: "search", tenant: stream.tenant }, request: null };
      },
      () => Promise.resolve(),
      {
        clock,
        shard: { index: 1, count: 3 },
        skip: (stream, index, intendedS) =>
          calls.push({
            tenant: stream.tenant,
            index,
            at: clock.now(),
            own: false,
            intendedMs: intendedS * 1000,
          }),
      },
    );
    s.streams.forEach((stream, i) => {
      const schedule = new ArrivalSchedule(stream.profile, arrivals, s.seed, i);
      const expected: number[] = [];
      for (let t = schedule.next(); t !== null; t = schedule.next()) expected.push(t * 1000);
      const got = calls.filter((c) => c.tenant === stream.tenant);
      // Every arrival exactly once, in index order; the shard's own (i mod 3 = 1) built.
      assert.deepEqual(got.map((c) => c.index), expected.map((_, k) => k));
      assert.deepEqual(got.map((c) => c.own), expected.map((_, k) => k % 3 === 1));
      got.forEach((c, k) => {
        assert.equal(c.intendedMs, expected[k]);
        const late = c.at - expected[k];
        assert.ok(late >= 0, `${stream.tenant}#${k} called ${-late} ms early`);
        const bound = c.own ? 0.05 : SKIP_SLACK_MS + 0.05;
        assert.ok(late < bound, `${stream.tenant}#${k} (own ${c.own}) ${late} ms late`);
      });
    });
    assert.ok(calls.length > 100);
  });
}

Deno.test("engine shard 1/3 (fake clock): at a high rate it wakes for its own arrivals only, skipping the others' then", async () => {
  const clock = new FakeClock();
  const calls: { index: number; at: number; own: boolean; intendedMs: number }[] = [];
  const call = (own: boolean) => (_stream: unknown, index: number, intendedS: number) => {
    calls.push({ index, at: clock.now(), own, intendedMs: intendedS * 1000 });
  };
  const build = call(true);
  await runShard(
    {
      durationS: 0.2,
      arrivals: "uniform",
      overflow: "queue",
      timeoutMs: 1000,
      seed: 1,
      streams: [{
        tenant: "",
        profile: makeRateProfile({ type: "constant", qps: 3000 }, 0.2, 1),
        maxInFlight: 100,
      }],
    },
    (stream, index, intendedS) => {
      build(stream, index, intendedS);
      return { label: { operation: "get", tenant: "" }, request: null };
    },
    () => Promise.resolve(),
    { clock, shard: { index: 1, count: 3 }, skip: call(false) },
  );
  assert.ok(calls.length >= 599, `${calls.length} arrivals`);
  assert.deepEqual(calls.map((c) => c.index), [...calls.keys()]);
  // Arrivals are 1/3 ms apart, the shard's own 1 ms apart: each other arrival is passed to skip
  // when the shard sends its next own one (within SKIP_SLACK_MS), not at its own time.
  for (let k = 0; k < calls.length; k++) {
    const c = calls[k];
    if (c.own) continue;
    const next = calls.slice(k + 1).find((x) => x.own);
    if (!next || next.intendedMs >= c.intendedMs + SKIP_SLACK_MS) continue;
    assert.ok(Math.abs(c.at - next.at) < 0.01, `#${c.index} skipped at ${c.at}, own at ${next.at}`);
    assert.ok(c.at >= c.intendedMs);
  }
});

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
