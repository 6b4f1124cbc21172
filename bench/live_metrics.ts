/**
 * What the live /metrics exporter costs the load generator: the observer's work per request
 * (offered + sent + completed, as the engine calls them) and one render of /metrics, for
 * --cells operation × tenant × phase cells.
 *
 *   deno run -A bench/live_metrics.ts [--requests 2000000] [--tenants 10] [--phases 5]
 */
import { parseArgs } from "node:util";
import { LiveMetrics } from "../src/metrics/live_metrics.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "2000000" },
    tenants: { type: "string", default: "10" },
    phases: { type: "string", default: "5" },
  },
  strict: true,
});
const requests = Number(values.requests);
const operations = ["search", "insert", "update", "delete", "metadata"];
const tenants = Array.from({ length: Number(values.tenants) }, (_, i) => `t${i + 1}`);
const phases = Array.from({ length: Number(values.phases) }, (_, i) => `phase${i + 1}`);
const labels = operations.flatMap((operation) => tenants.map((tenant) => ({ operation, tenant })));

const live = new LiveMetrics();
const run = live.beginRun({
  scenario: "bench",
  target: "none",
  profile: "full",
  seed: 1,
  durationS: 60,
  latencyLimits: [],
});
// Latencies spread over the buckets (0.1 ms to ~1 s); errors on 1 request in 50.
const latencies = Array.from({ length: 4096 }, (_, i) => 0.1 * Math.pow(1.002, i));
const record = (n: number) => {
  for (let i = 0; i < n; i++) {
    const label = labels[i % labels.length];
    const phase = phases[(i >> 10) % phases.length];
    run.offered(label, phase, 0.05);
    run.sent(label);
    run.completed(label, phase, i % 50 === 0 ? "timeout" : null, latencies[i & 4095], true);
  }
};
record(100_000); // warm-up
const t0 = performance.now();
record(requests);
const perRequestNs = (performance.now() - t0) * 1e6 / requests;

let bytes = 0;
live.render();
const renders = 50;
const t1 = performance.now();
for (let i = 0; i < renders; i++) bytes = live.render().length;
const renderMs = (performance.now() - t1) / renders;
console.log(
  `${labels.length * phases.length} cells: ${perRequestNs.toFixed(0)} ns per request ` +
    `(offered + sent + completed); render ${renderMs.toFixed(2)} ms, ${
      (bytes / 1024).toFixed(0)
    } KiB per scrape`,
);
