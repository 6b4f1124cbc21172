import assert from "node:assert/strict";
import { parsePrometheusText } from "../src/metrics/prometheus_text.ts";
import { resourcesFromSamples } from "../src/metrics/resource_series.ts";
import { startSampler } from "../src/metrics/sampler.ts";

const read = (text: string) => resourcesFromSamples(parsePrometheusText(text).samples);
const MB = 1048576;

Deno.test("resource series: each series on its own, from process_*, namedprocess_* or node_*", () => {
  // The reference server before it exported a CPU counter: RSS alone is still a reading.
  assert.deepEqual(read(`process_resident_memory_bytes ${300 * MB}\n`), {
    rssMb: 300,
    cpuSeconds: null,
    rssSource: "process",
    cpuSource: null,
  });
  assert.deepEqual(read("process_cpu_seconds_total 12.5\n"), {
    rssMb: null,
    cpuSeconds: 12.5,
    rssSource: null,
    cpuSource: "process",
  });
  // process-exporter: resident memory only (not virtual/swapped), CPU summed over modes.
  assert.deepEqual(
    read([
      `namedprocess_namegroup_memory_bytes{groupname="akidb",memtype="resident"} ${200 * MB}`,
      `namedprocess_namegroup_memory_bytes{groupname="akidb",memtype="virtual"} ${900 * MB}`,
      `namedprocess_namegroup_cpu_seconds_total{groupname="akidb",mode="system"} 1.5`,
      `namedprocess_namegroup_cpu_seconds_total{groupname="akidb",mode="user"} 4`,
    ].join("\n")),
    { rssMb: 200, cpuSeconds: 5.5, rssSource: "namedprocess", cpuSource: "namedprocess" },
  );
  // node_exporter: the machine's used memory and its busy CPU time over all cores.
  assert.deepEqual(
    read([
      `node_memory_MemTotal_bytes ${8192 * MB}`,
      `node_memory_MemAvailable_bytes ${6144 * MB}`,
      `node_memory_MemFree_bytes ${1024 * MB}`,
      `node_cpu_seconds_total{cpu="0",mode="idle"} 1000`,
      `node_cpu_seconds_total{cpu="0",mode="iowait"} 7`,
      `node_cpu_seconds_total{cpu="0",mode="user"} 30`,
      `node_cpu_seconds_total{cpu="0",mode="system"} 10`,
      `node_cpu_seconds_total{cpu="1",mode="idle"} 1000`,
      `node_cpu_seconds_total{cpu="1",mode="user"} 20`,
    ].join("\n")),
    { rssMb: 2048, cpuSeconds: 60, rssSource: "node", cpuSource: "node" },
  );
  // The process's own series win over the machine's when an endpoint has both.
  const both = read(
    `process_resident_memory_bytes ${64 * MB}\nnode_memory_MemTotal_bytes 1\n` +
      `node_memory_MemAvailable_bytes 0\nnode_cpu_seconds_total{cpu="0",mode="user"} 9\n`,
  );
  assert.equal(both.rssMb, 64);
  assert.equal(both.cpuSeconds, 9);
  assert.equal(both.cpuSource, "node");
  assert.deepEqual(read("akidb_dlq_size 0\n"), {
    rssMb: null,
    cpuSeconds: null,
    rssSource: null,
    cpuSource: null,
  });
});

/** A Prometheus endpoint on a random port answering body(n) to its n-th scrape. */
function endpoint(body: (n: number) => string) {
  let scrapes = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(body(++scrapes)),
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/metrics`,
    scrapes: () => scrapes,
    shutdown: () => server.shutdown(),
  };
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 20));
}

Deno.test("sampler: RSS without a CPU counter is kept; --resource-metrics replaces pid and /metrics", async () => {
  const target = endpoint((n) =>
    `akidb_dlq_size ${n}\nprocess_resident_memory_bytes ${(100 + n) * MB}\n`
  );
  const exporter = endpoint((n) =>
    [
      `namedprocess_namegroup_memory_bytes{groupname="db",memtype="resident"} ${(500 + n) * MB}`,
      `namedprocess_namegroup_cpu_seconds_total{groupname="db",mode="user"} ${n * 1000}`,
    ].join("\n")
  );
  try {
    const rssOnly = startSampler({ metricsUrl: target.url, intervalMs: 30 });
    await until(() => target.scrapes() >= 4);
    const a = await rssOnly.stop();
    assert.ok(a.memoryMb !== null && a.memoryMb.start > 100, JSON.stringify(a.memoryMb));
    assert.equal(a.memoryMb.source, "process");
    assert.equal(a.cpuPercent, null);
    assert.deepEqual(a.sources, { rss: "process", cpu: null });

    const before = target.scrapes();
    const remote = startSampler({
      pid: Deno.pid, // ignored: the named endpoint is the resource source
      metricsUrl: target.url,
      resourceMetricsUrl: exporter.url,
      intervalMs: 30,
      gauges: ["akidb_dlq_size"],
    });
    await until(() => exporter.scrapes() >= 4);
    const b = await remote.stop();
    assert.ok(b.memoryMb !== null && b.memoryMb.start > 500, JSON.stringify(b.memoryMb));
    assert.deepEqual(b.sources, { rss: "namedprocess", cpu: "namedprocess" });
    assert.equal(b.cpuPercent?.source, "namedprocess");
    // 1000 CPU seconds a scrape: far above anything this process could burn.
    assert.ok(b.cpuPercent!.average > 1000, JSON.stringify(b.cpuPercent));
    assert.ok(target.scrapes() > before, "the target's gauges are still scraped");
    assert.ok(b.targetMetrics.akidb_dlq_size.length >= 4);
  } finally {
    await target.shutdown();
    await exporter.shutdown();
  }
});
