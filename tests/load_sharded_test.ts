import assert from "node:assert/strict";
import { runLoadInWorkers } from "../src/load/sharded_load.ts";
import { leastSquaresSlope } from "../src/metrics/least_squares.ts";

Deno.test("runLoadInWorkers: 2 workers send every arrival exactly once, on one schedule", async () => {
  const seen: string[] = [];
  const times: number[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    seen.push(new URL(req.url).searchParams.get("i")!);
    times.push(performance.now());
    return new Response("ok");
  });
  try {
    const seconds: number[] = [];
    const out = await runLoadInWorkers(
      {
        durationS: 2,
        arrivals: "uniform",
        overflow: "queue",
        timeoutMs: 5000,
        seed: 3,
        streams: [
          { tenant: "a", profile: { type: "constant", qps: 300 }, maxInFlight: 50 },
          {
            tenant: "b",
            profile: {
              type: "stages",
              start_qps: 100,
              stages: [{ name: "up", duration_s: 2, target_qps: 100 }],
            },
            maxInFlight: 50,
          },
        ],
      },
      {
        moduleUrl: new URL("./fixtures/load_fetch_module.ts", import.meta.url).href,
        context: { url: `http://127.0.0.1:${server.addr.port}/` },
      },
      {
        workers: 2,
        onSecond: (p, streams) => {
          seconds.push(p.offered);
          assert.deepEqual(streams.map((s) => s.tenant), ["a", "b"]);
        },
      },
    );
    const expected = [
      ...Array.from({ length: 600 }, (_, i) => `a:${i}`),
      ...Array.from({ length: 200 }, (_, i) => `b:${i}`),
    ];
    assert.deepEqual([...seen].sort(), expected.sort());
    assert.equal(out.totals.total_requests, 800);
    assert.equal(out.totals.successful_requests, 800);
    assert.deepEqual(out.perSecond.slice(0, 2).map((p) => p.offered), [400, 400]);
    assert.deepEqual(seconds.slice(0, 2), [400, 400]);
    assert.deepEqual(
      out.tenants.filter((t) => t.operation === "all").map((t) => [t.tenant, t.requests]),
      [["a", 600], ["b", 200]],
    );
    assert.deepEqual(out.phaseWindows, [{ name: "up", start_s: 0, end_s: 2 }]);
    assert.equal(out.phases[0].requests, 200);
    assert.equal(out.operations[0].latency_ms.count, 800);
    // Both workers share one start: the server sees 400 req/s throughout (least-squares fit of
    // arrival rank over time, so a slow first connection does not skew it).
    // Judged only when the workers kept their schedule (a starved machine is flagged instead).
    const rate = leastSquaresSlope(times.map((t, i) => ({ x: t / 1000, y: i })))!;
    if (out.generator.valid) {
      assert.ok(Math.abs(rate - 400) / 400 < 0.02, `server saw ${rate.toFixed(1)} req/s`);
    } else assert.match(out.generator.reason!, /generator saturated/);
    assert.equal(out.generator.schedule_lag_ms.count, 800);
  } finally {
    await server.shutdown();
  }
});

Deno.test("runLoadInWorkers: an abort stops every worker and marks the run interrupted", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("ok"),
  );
  try {
    const controller = new AbortController();
    const t0 = performance.now();
    const out = await runLoadInWorkers(
      {
        durationS: 30,
        arrivals: "poisson",
        overflow: "drop",
        timeoutMs: 1000,
        seed: 1,
        streams: [{ tenant: "", profile: { type: "constant", qps: 100 }, maxInFlight: 10 }],
      },
      {
        moduleUrl: new URL("./fixtures/load_fetch_module.ts", import.meta.url).href,
        context: { url: `http://127.0.0.1:${server.addr.port}/` },
      },
      // Abort once the run has surely started: after its first second.
      { workers: 2, signal: controller.signal, onSecond: () => controller.abort() },
    );
    assert.ok(performance.now() - t0 < 10000);
    assert.equal(out.interrupted, true);
    assert.ok(
      out.totals.total_requests > 50 && out.totals.total_requests < 300,
      `${out.totals.total_requests}`,
    );
  } finally {
    await server.shutdown();
  }
});
