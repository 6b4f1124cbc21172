import assert from "node:assert/strict";
import { startSampler } from "../src/metrics/sampler.ts";
import { parseProcessStats } from "../src/metrics/process_stats.ts";

Deno.test("process stats: CPU ticks and VmRSS, with a command name containing ') '", () => {
  const stat = "1234 (my) odd proc) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 1 0";
  const status = "Name:\tx\nVmPeak:\t  9000 kB\nVmRSS:\t   51200 kB\nThreads:\t1\n";
  assert.deepEqual(parseProcessStats(stat, status), { cpuSeconds: 3, rssMb: 50 });
  assert.equal(parseProcessStats(stat, "Name:\tx\n"), null);
});

/** A child process that burns CPU and grows its memory by ~4 MB every 100 ms. */
function startHog(): Deno.ChildProcess {
  const code = `
    const keep = [];
    setInterval(() => {
      const b = new Uint8Array(4 * 1024 * 1024); b.fill(1); keep.push(b);
      const until = performance.now() + 40; while (performance.now() < until) {}
    }, 100);
    setTimeout(() => Deno.exit(0), 10000);`;
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

Deno.test("sampler: target RSS growth and CPU from /proc, gauges from /metrics", async () => {
  let scrapes = 0;
  const metrics = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    scrapes++;
    const body = [
      "# TYPE akidb_circuit_breaker_state gauge",
      `akidb_circuit_breaker_state ${scrapes % 2}`,
      `akidb_tier_documents{tier="hot"} ${scrapes * 10}`,
      "akidb_ignored 5",
      `process_resident_memory_bytes ${(100 + scrapes) * 1048576}`,
      `process_cpu_seconds_total ${scrapes * 0.05}`,
    ].join("\n");
    return new Response(body);
  });
  const hog = startHog();
  try {
    await new Promise((r) => setTimeout(r, 300)); // let the child start
    const metricsUrl = `http://127.0.0.1:${metrics.addr.port}/metrics`;
    const gauges = ["akidb_circuit_breaker_state", "akidb_tier_documents"];
    const bySampler = startSampler({ pid: hog.pid, metricsUrl, intervalMs: 100, gauges });
    const byMetrics = startSampler({ metricsUrl, intervalMs: 200 });
    await new Promise((r) => setTimeout(r, 2000));
    const r = await bySampler.stop();
    const m = await byMetrics.stop();

    assert.ok(r.resources.length >= 15 && r.resources.length <= 25, `${r.resources.length}`);
    assert.ok(
      r.memoryMb !== null && r.memoryMb.end > r.memoryMb.start + 40,
      JSON.stringify(r.memoryMb),
    );
    // ~4 MB per 100 ms is ~2400 MB/min; allow for GC and scheduling noise.
    assert.ok(r.memoryMb.growth_per_min > 1000, `growth ${r.memoryMb.growth_per_min}`);
    assert.ok(r.cpuPercent !== null && r.cpuPercent.average > 15, JSON.stringify(r.cpuPercent));
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
    hog.kill();
    await hog.status;
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
