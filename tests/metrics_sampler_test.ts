import assert from "node:assert/strict";
import { startSampler } from "../src/metrics/sampler.ts";
import { parseProcessStats, readProcessStats } from "../src/metrics/process_stats.ts";
import { leastSquaresSlope, memoryGrowthPerMin } from "../src/metrics/least_squares.ts";

Deno.test("process stats: CPU ticks and VmRSS, with a command name containing ') '", () => {
  const stat = "1234 (my) odd proc) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 1 0";
  const status = "Name:\tx\nVmPeak:\t  9000 kB\nVmRSS:\t   51200 kB\nThreads:\t1\n";
  assert.deepEqual(parseProcessStats(stat, status), { cpuSeconds: 3, rssMb: 50 });
  assert.equal(parseProcessStats(stat, "Name:\tx\n"), null);
});

/** Steps the hog takes; each adds 4 MB of touched memory and burns 40 ms of its CPU time. */
const HOG_STEPS = 20;

/**
 * A child process that prints "ready", waits for a line on stdin, takes its HOG_STEPS steps and
 * prints "done". Its work is counted in memory and CPU time, not wall time, so what the sampler
 * sees between its first and last sample does not depend on how busy the machine is.
 */
function startHog(): { child: Deno.ChildProcess; next(): Promise<string>; go(): Promise<void> } {
  const code = `
    import { cpuUsage } from "node:process";
    const keep = globalThis.keep = []; // reachable until exit, or GC hands the steps back
    const cpuMs = () => { const u = cpuUsage(); return (u.user + u.system) / 1000; };
    console.log("ready");
    for await (const _ of Deno.stdin.readable) break;
    for (let step = 0; step < ${HOG_STEPS}; step++) {
      const b = new Uint8Array(4 * 1024 * 1024); b.fill(1); keep.push(b);
      const until = cpuMs() + 40; while (cpuMs() < until) {}
    }
    console.log("done");
    setTimeout(() => Deno.exit(0), 60000);`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const next = async () => {
    while (!buffered.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`hog exited; printed ${JSON.stringify(buffered)}`);
      buffered += value;
    }
    const line = buffered.slice(0, buffered.indexOf("\n"));
    buffered = buffered.slice(line.length + 1);
    return line;
  };
  const go = async () => {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("go\n"));
    await writer.close();
  };
  return { child, next, go };
}

Deno.test("sampler: target RSS growth and CPU from /proc, gauges from /metrics", async () => {
  // Each sampler scrapes its own path; a scrape starts a sample only after the one before ended.
  const scrapes = { hog: 0, plain: 0 };
  const secondHogScrape = Promise.withResolvers<void>();
  const metrics = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname === "/hog" ? "hog" : "plain";
    const n = ++scrapes[path];
    if (path === "hog" && n === 2) secondHogScrape.resolve();
    const body = [
      "# TYPE akidb_circuit_breaker_state gauge",
      `akidb_circuit_breaker_state ${n % 2}`,
      `akidb_tier_documents{tier="hot"} ${n * 10}`,
      "akidb_ignored 5",
      `process_resident_memory_bytes ${(100 + n) * 1048576}`,
      `process_cpu_seconds_total ${n * 0.05}`,
    ].join("\n");
    return new Response(body);
  });
  const hog = startHog();
  try {
    assert.equal(await hog.next(), "ready");
    const url = `http://127.0.0.1:${metrics.addr.port}`;
    const gauges = ["akidb_circuit_breaker_state", "akidb_tier_documents"];
    const bySampler = startSampler({
      pid: hog.child.pid,
      metricsUrl: `${url}/hog`,
      intervalMs: 100,
      gauges,
    });
    const byMetrics = startSampler({ metricsUrl: `${url}/metrics`, intervalMs: 200 });
    // The hog works only after the first sample (its /proc reading included) and is done before
    // the last one (taken by stop()).
    await secondHogScrape.promise;
    await hog.go();
    assert.equal(await hog.next(), "done");
    const r = await bySampler.stop();
    const m = await byMetrics.stop();

    assert.ok(r.resources.length >= 3, `${r.resources.length} samples`);
    assert.ok(
      r.memoryMb !== null && r.memoryMb.end > r.memoryMb.start + 60,
      `${HOG_STEPS * 4} MB touched: ${JSON.stringify(r.memoryMb)}`,
    );
    // The growth is the fit of the points it reports (MB per minute), after the warm-up. On a
    // busy machine the run can outlast the 5 s warm-up, leaving that fit only the flat tail: the
    // rise is asserted on the fit of every point instead.
    const rss = r.resources.map((p) => ({ t: p.t, mb: p.target_rss_mb! }));
    assert.ok(leastSquaresSlope(rss.map((p) => ({ x: p.t, y: p.mb })))! > 0, "RSS rose");
    assert.equal(r.memoryMb.growth_per_min, Math.round(memoryGrowthPerMin(rss) * 1000) / 1000);
    // CPU is a rate: the first sample has no interval behind it, and no rate exceeds the cores.
    assert.equal(r.resources[0].generator_cpu_percent, null);
    assert.equal(r.resources[0].target_cpu_percent, null);
    const cores = navigator.hardwareConcurrency * 100;
    for (const p of r.resources) {
      assert.ok(p.generator_rss_mb > 10);
      assert.ok(p.event_loop_lag_ms >= 0);
      for (const cpu of [p.generator_cpu_percent, p.target_cpu_percent]) {
        assert.ok(cpu === null || (cpu >= 0 && cpu <= cores * 1.5), `cpu ${cpu}`);
      }
    }
    // The rates over their intervals add up to the CPU time the hog burned in its steps (at least;
    // /proc counts 10 ms ticks, and a last interval under 10 ms is not rated).
    let cpuSeconds = 0;
    for (let i = 1; i < r.resources.length; i++) {
      const interval = r.resources[i].t - r.resources[i - 1].t;
      cpuSeconds += (r.resources[i].target_cpu_percent ?? 0) / 100 * interval;
    }
    const burned = (HOG_STEPS * 40) / 1000;
    assert.ok(cpuSeconds >= burned - 0.03, `${cpuSeconds.toFixed(3)} s of CPU seen`);
    const hogStats = await readProcessStats(hog.child.pid);
    assert.ok(
      cpuSeconds <= hogStats!.cpuSeconds + 0.01,
      `${cpuSeconds} s > ${hogStats!.cpuSeconds}`,
    );
    assert.ok(r.cpuPercent !== null && r.cpuPercent.peak > 0);
    assert.deepEqual(Object.keys(r.targetMetrics).sort(), [
      "akidb_circuit_breaker_state",
      'akidb_tier_documents{tier="hot"}',
    ]);
    const states = r.targetMetrics.akidb_circuit_breaker_state.map((x) => x.value);
    assert.ok(states.includes(0) && states.includes(1));
    const t = r.targetMetrics.akidb_circuit_breaker_state.map((x) => x.t);
    assert.deepEqual(t, [...t].sort((a, b) => a - b));

    // Without a pid the target's own process_* metrics stand in.
    assert.ok(m.memoryMb !== null && m.memoryMb.start > 100 && m.memoryMb.end > m.memoryMb.start);
    assert.deepEqual(m.targetMetrics, {});
  } finally {
    hog.child.kill();
    await hog.child.status;
    await metrics.shutdown();
  }
});

Deno.test("sampler: memory growth beyond the vectors written", async () => {
  // Every scrape the target's RSS grows 4 MB, of which 3 MB are vectors written.
  let scrapes = 0;
  const metrics = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    scrapes++;
    return new Response(
      `process_resident_memory_bytes ${
        (100 + 4 * scrapes) * 1048576
      }\nprocess_cpu_seconds_total 1\n`,
    );
  });
  try {
    const sampler = startSampler({
      metricsUrl: `http://127.0.0.1:${metrics.addr.port}/metrics`,
      intervalMs: 50,
      writtenMb: () => 3 * scrapes,
    });
    await new Promise((r) => setTimeout(r, 1000));
    const { memoryMb, resources } = await sampler.stop();
    assert.ok(memoryMb !== null && memoryMb.growth_beyond_writes_per_min !== undefined);
    assert.equal(memoryMb.written, 3 * scrapes);
    assert.deepEqual(
      resources.map((p) => p.target_rss_mb! - 100),
      resources.map((p) => p.written_mb! * 4 / 3),
    );
    const ratio = memoryMb.growth_beyond_writes_per_min / memoryMb.growth_per_min;
    assert.ok(Math.abs(ratio - 0.25) < 0.01, `beyond-writes share ${ratio}`);
    // Without a count of writes, nothing is claimed about them.
    const plain = await startSampler({
      metricsUrl: `http://127.0.0.1:${metrics.addr.port}/metrics`,
    }).stop();
    assert.equal(plain.memoryMb?.written, undefined);
    assert.equal(plain.memoryMb?.growth_beyond_writes_per_min, undefined);
  } finally {
    await metrics.shutdown();
  }
});
