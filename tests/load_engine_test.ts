import assert from "node:assert/strict";
import * as hdr from "hdr-histogram-js";
import { runLoad } from "../src/load/engine.ts";
import { type ClassifiedError, classifyError } from "../src/load/classify_error.ts";
import type { LoadSpec } from "../src/load/load_spec.ts";
import { makeRateProfile } from "../src/load/rate_profile.ts";
import { leastSquaresSlope } from "../src/metrics/least_squares.ts";
import { LiveMetrics } from "../src/metrics/live_metrics.ts";
import { parsePrometheusText } from "../src/metrics/prometheus_text.ts";
import { TargetError } from "../src/targets/target.ts";
import { VirtualClock } from "./virtual_clock.ts";

/** A real HTTP server on 127.0.0.1 that records when each request arrived (performance.now()). */
function startServer(status = 200) {
  const arrivals: number[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    arrivals.push(performance.now());
    return new Response("ok", { status });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/`, arrivals, server };
}

function load(qps: number, durationS: number, extra: Partial<LoadSpec> = {}, maxInFlight = 100) {
  const spec: LoadSpec = {
    durationS,
    arrivals: "uniform",
    overflow: "queue",
    timeoutMs: 5000,
    seed: 1,
    streams: [{
      tenant: "",
      profile: makeRateProfile({ type: "constant", qps }, durationS, 1),
      maxInFlight,
    }],
    ...extra,
  };
  return spec;
}

const factory = (_: unknown, index: number) => ({
  label: { operation: "search", tenant: "" },
  request: index,
});

function fetcher(url: string) {
  return async (_: number, signal: AbortSignal) => {
    const res = await fetch(url, { signal });
    await res.text();
    if (res.status >= 500) throw new TargetError("http_5xx", `HTTP ${res.status}`, res.status);
  };
}

/** How many values of an encoded microsecond histogram exceed `ms` (rank by rank). */
function countAbove(encoded: string, ms: number): number {
  const h = hdr.decodeFromCompressedBase64(encoded);
  const n = h.totalCount;
  let above = 0;
  // The value at percentile 100·(k − ½)/n is the k-th smallest recorded value.
  for (let k = 1; k <= n; k++) {
    if (h.getValueAtPercentile((100 * (k - 0.5)) / n) > ms * 1000) above++;
  }
  return above;
}

for (const qps of [100, 1000]) {
  Deno.test(`engine: achieved rate within 1 % of ${qps} QPS, as seen by the server`, async () => {
    const srv = startServer();
    try {
      const durationS = 2;
      const out = await runLoad(load(qps, durationS), factory, fetcher(srv.url));
      assert.equal(srv.arrivals.length, qps * durationS);
      assert.equal(out.totals.successful_requests, qps * durationS);
      if (!out.generator.valid) {
        // A machine too busy to keep the schedule: the engine must say so rather than report
        // a wrong rate (the run would exit 3). Nothing else can be judged then.
        console.warn(`generator starved by the machine, rate not judged: ${out.generator.reason}`);
        assert.match(out.generator.reason!, /generator saturated/);
        return;
      }
      // Server-side rate: least-squares slope of arrival rank over arrival time.
      const rate = leastSquaresSlope(srv.arrivals.map((t, i) => ({ x: t / 1000, y: i })))!;
      assert.ok(
        Math.abs(rate - qps) / qps < 0.01,
        `server saw ${rate.toFixed(2)} req/s; generator ${JSON.stringify(out.generator)}`,
      );
      for (const p of out.perSecond.slice(0, durationS)) {
        assert.equal(p.offered, qps);
        assert.ok(Math.abs(p.achieved - qps) / qps <= 0.02, `second ${p.t}: ${p.achieved}`);
      }
    } finally {
      await srv.server.shutdown();
    }
  });
}

Deno.test("engine: a 1 s stall shows in latency for every request scheduled during it, in service time only for those in flight", async () => {
  // On virtual time: a target answering in 1 ms holds what arrives in [1500, 2500) ms until
  // then, whatever the machine's timers do.
  const clock = new VirtualClock();
  const send = () => {
    const now = clock.now();
    return clock.at(now >= 1500 && now < 2500 ? 2500 : now + 1);
  };
  const out = await runLoad(load(50, 4, {}, 10), factory, send, { clock });
  const all = out.operations[0];
  assert.equal(all.operation, "all");
  assert.equal(all.successful, 200);
  // 50 arrivals fall in the stall; the ones in its first ~0.8 s wait ≥ 200 ms.
  assert.ok(all.latency_ms.p95 >= 300, `latency p95 ${all.latency_ms.p95}`);
  assert.ok(all.latency_ms.p99 >= 700, `latency p99 ${all.latency_ms.p99}`);
  assert.ok(all.latency_ms.max >= 900 && all.latency_ms.max < 1200);
  const slowLatency = countAbove(all.histograms.latency_us, 100);
  assert.ok(slowLatency >= 40 && slowLatency <= 50, `latency > 100 ms: ${slowLatency}`);
  // Only the 10 requests in flight when the stall began were slow to be served.
  const slowService = countAbove(all.histograms.service_time_us, 100);
  assert.ok(slowService >= 9 && slowService <= 11, `service > 100 ms: ${slowService}`);
  assert.ok(all.service_time_ms.p90 < 50, `service p90 ${all.service_time_ms.p90}`);
});

Deno.test("engine: overflow drop counts drops during a stall and never sends them", async () => {
  // On virtual time: a target answering in 1 ms holds what arrives in [1000, 2000) ms until then.
  const clock = new VirtualClock();
  let sent = 0;
  const send = () => {
    sent++;
    const now = clock.now();
    return clock.at(now >= 1000 && now < 2000 ? 2000 : now + 1);
  };
  const out = await runLoad(load(50, 3, { overflow: "drop" }, 10), factory, send, { clock });
  const dropped = out.totals.dropped_requests;
  assert.ok(dropped >= 35 && dropped <= 41, `dropped ${dropped}`);
  assert.equal(out.totals.total_requests, 150);
  assert.equal(sent, 150 - dropped);
  assert.equal(out.totals.successful_requests, 150 - dropped);
  assert.equal(out.perSecond.reduce((n, p) => n + p.dropped, 0), dropped);
  assert.equal(out.operations[0].dropped, dropped);
});

Deno.test("engine: timeouts, 5xx and connection failures are classified", async () => {
  const failing = startServer(503);
  try {
    // On virtual time, against a target that answers nothing until its request is aborted.
    const never = (_: number, signal: AbortSignal) =>
      new Promise<void>((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      );
    const timedOut = await runLoad(load(20, 0.5, { timeoutMs: 100 }), factory, never, {
      clock: new VirtualClock(),
    });
    assert.equal(timedOut.operations[0].errors_by_class.timeout, 10);
    assert.ok(timedOut.totals.latency_ms.p50 >= 100 && timedOut.totals.latency_ms.p50 < 150);
    const errors = await runLoad(load(20, 0.5), factory, fetcher(failing.url));
    assert.deepEqual(errors.operations[0].errors_by_class, { http_5xx: 10 });
    assert.equal(errors.totals.error_rate, 1);
    assert.equal(classifyError(new TypeError("error sending request")), "connection");
    assert.equal(classifyError(new SyntaxError("bad json")), "invalid_response");
    // TargetError is a ClassifiedError (the engine knows targets only through that shape).
    const notFound: ClassifiedError = new TargetError("http_4xx", "HTTP 404", 404);
    assert.equal(classifyError(notFound), "http_4xx");
  } finally {
    await failing.server.shutdown();
  }
});

Deno.test("engine: a CPU-starved generator is flagged invalid", async () => {
  const srv = startServer();
  // Blocks the event loop for 150 ms every 300 ms.
  const hog = setInterval(() => {
    const until = performance.now() + 150;
    while (performance.now() < until) { /* busy */ }
  }, 300);
  try {
    const out = await runLoad(load(100, 2), factory, fetcher(srv.url));
    assert.equal(out.generator.valid, false);
    assert.match(out.generator.reason ?? "", /generator saturated/);
    assert.ok(out.generator.schedule_lag_ms.p99 > 50);
  } finally {
    clearInterval(hog);
    await srv.server.shutdown();
  }
});

Deno.test("engine: an abort signal stops scheduling and marks the run interrupted", async () => {
  // On virtual time: the abort comes 500 ms into a 10 s run, against a target answering in 1 ms.
  const clock = new VirtualClock();
  const controller = new AbortController();
  clock.at(500).then(() => controller.abort());
  const seconds: number[] = [];
  const out = await runLoad(load(100, 10), factory, () => clock.at(clock.now() + 1), {
    clock,
    signal: controller.signal,
    onSecond: (p) => seconds.push(p.t),
  });
  assert.equal(out.interrupted, true);
  assert.ok(out.totals.total_requests >= 40 && out.totals.total_requests <= 60);
  assert.ok(out.durationSeconds < 1);
  assert.ok(clock.now() < 3000, `returned ${clock.now()} ms into the run`);
  assert.deepEqual(seconds, [0]);
});

Deno.test("engine: the live observer counts what the outcome counts, request by request", async () => {
  // On virtual time, with a stall that makes the drop policy drop and 1 in 7 requests fail.
  const clock = new VirtualClock();
  const live = new LiveMetrics();
  const observer = live.beginRun({
    scenario: "s",
    target: "t",
    profile: "full",
    seed: 1,
    durationS: 3,
    latencyLimits: [],
  });
  let sent = 0;
  const send = async () => {
    const n = sent++;
    const now = clock.now();
    await clock.at(now >= 1000 && now < 2000 ? 2000 : now + 1);
    if (n % 7 === 3) throw new TargetError("http_5xx", "HTTP 503", 503);
  };
  const spec = load(50, 3, { overflow: "drop" }, 10);
  const out = await runLoad(spec, factory, send, { clock, observer });
  observer.end();
  const samples = parsePrometheusText(live.render()).samples;
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) =>
      s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
    ).reduce((n, s) => n + s.value, 0);
  assert.ok(out.totals.dropped_requests > 0 && out.totals.failed_requests > 0);
  assert.equal(value("akibench_requests_total"), out.totals.total_requests);
  assert.equal(value("akibench_offered_requests_total"), out.totals.total_requests);
  assert.equal(value("akibench_dropped_requests_total"), out.totals.dropped_requests);
  assert.equal(value("akibench_errors_total"), out.totals.failed_requests);
  assert.equal(value("akibench_errors_total", { class: "http_5xx" }), out.totals.failed_requests);
  const completed = out.totals.successful_requests + out.totals.failed_requests;
  assert.equal(value("akibench_request_duration_seconds_count"), completed);
  assert.equal(value("akibench_request_duration_seconds_bucket", { le: "+Inf" }), completed);
  assert.equal(value("akibench_schedule_lag_seconds_count"), out.totals.total_requests);
  assert.equal(value("akibench_in_flight_requests"), 0);
  // The stall's latencies (up to ~1 s) are above 0.5 s for some; none of them is above 2.5 s.
  const le = (bound: string) => value("akibench_request_duration_seconds_bucket", { le: bound });
  assert.ok(le("0.5") < completed && le("2.5") === completed, `${le("0.5")} ${completed}`);
  assert.equal(live.status()!.requests, out.totals.total_requests);
  assert.equal(live.status()!.running, false);
});
