/**
 * How fast can akibench's load engine send with honest timing? Finds the highest constant rate
 * the engine sustains against a trivial endpoint (run in a separate process) with schedule-lag
 * p99 < 1 ms, every request answered and ≥ 99 % of the offered rate achieved; then measures
 * autocannon and wrk (closed-loop, as fast as they can) against the same endpoint.
 *
 *   deno run -A bench/generator.ts [--duration 3] [--trials 3] [--connections 64] [--workers 1,2]
 *     [--transports http1,fetch] [--tools engine,autocannon,wrk] [--rates 2000,4000,…]
 *
 * Each rate (and each autocannon/wrk run) is measured --trials times and judged by the median
 * trial: on this shared 2-core VM a single 3 s trial's lag p99 swings by milliseconds from one
 * run to the next (the host takes a core for 1–3 ms at a time), so one trial decides nothing.
 *
 * --workers 1 is runLoad on this event loop; N > 1 is runLoadInWorkers with N Web Workers.
 * --transports: akibench's HTTP/1.1 pool (the AkiDB adapter's default) and/or Deno's fetch.
 * --tools noop adds a sweep whose requests resolve at once: the engine's own scheduling capacity.
 */
import { parseArgs } from "node:util";
import denoJson from "../deno.json" with { type: "json" };
import { runLoad } from "../src/load/engine.ts";
import type { LoadOutcome } from "../src/load/load_spec.ts";
import { makeRateProfile } from "../src/load/rate_profile.ts";
import { runLoadInWorkers } from "../src/load/sharded_load.ts";
import { FetchTransport } from "../src/targets/fetch_transport.ts";
import { Http1Pool } from "../src/targets/http1_pool.ts";
import type { TransportKind } from "../src/targets/http_transport.ts";
import { startTrivialServer } from "./trivial_server.ts";

/** The bench's bar for "valid timing": far stricter than the engine's own saturation check. */
const LAG_P99_LIMIT_MS = 1;
const MIN_ACHIEVED_SHARE = 0.99;
const WARMUP_S = 2;

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "3" },
    trials: { type: "string", default: "3" },
    connections: { type: "string", default: "64" },
    tools: { type: "string", default: "engine,autocannon,wrk" },
    workers: { type: "string", default: "1,2" },
    transports: { type: "string", default: "http1,fetch" },
    rates: {
      type: "string",
      default: "1000,2000,4000,6000,8000,10000,12000,14000,16000,18000,21000,24000,28000",
    },
  },
  strict: true,
});
const durationS = Number(values.duration);
const trials = Number(values.trials);
const connections = Number(values.connections);
const tools = new Set(values.tools.split(","));
const rates = values.rates.split(",").map(Number);
const workerCounts = values.workers.split(",").map(Number);
const transports = values.transports.split(",") as TransportKind[];

const server = await startTrivialServer();
const url = server.url;
console.log(
  `endpoint ${url} (separate process, pid ${server.pid}); ${navigator.hardwareConcurrency} CPUs`,
);

const results: Record<string, number | null> = {};
try {
  if (tools.has("engine")) {
    for (const transport of transports) {
      for (const workers of workerCounts) await engineSweep(workers, transport);
    }
  }
  if (tools.has("noop")) await engineSweep(1, "http1", true);
  if (tools.has("autocannon")) results.autocannon = await medianOfTrials(autocannon);
  if (tools.has("wrk")) results.wrk = await medianOfTrials(wrk);
} finally {
  await server.stop();
}

console.log("\nmax sustained req/s:");
for (const [tool, rps] of Object.entries(results)) {
  console.log(`  ${tool.padEnd(44)} ${rps === null ? "n/a" : Math.round(rps)}`);
}
const engineBest = Math.max(
  0,
  ...Object.entries(results)
    .filter(([k]) => k.includes("lag p99") && !k.includes("no-op"))
    .map(([, v]) => v ?? 0),
);
if (engineBest > 0 && results.autocannon) {
  const ratio = (engineBest / results.autocannon).toFixed(2);
  console.log(`  best engine (strict timing) / autocannon = ${ratio}`);
}

/**
 * Steps the rate up; records the best rate with strict timing (lag p99 < 1 ms) and the best the
 * engine itself calls valid (its saturation check); stops after two rates in a row fail both.
 */
async function engineSweep(
  workers: number,
  transport: TransportKind,
  noop = false,
): Promise<void> {
  const name = noop ? "engine, no-op execute" : `engine ×${workers} ${transport}`;
  const strict = `${name}, lag p99 < ${LAG_P99_LIMIT_MS} ms`;
  const valid = `${name}, engine-valid`;
  results[strict] = null;
  results[valid] = null;
  console.log(
    `\n${name}, ${workers} event loop(s): constant rate, ${durationS} s each, ` +
      `in-flight limit ${connections * 8}`,
  );
  // Warm-up (not recorded): JIT, WebAssembly, first connections, worker start-up.
  await engineRun(rates[0], workers, transport, WARMUP_S, noop);
  let failures = 0;
  for (const qps of rates) {
    const runs: { achieved: number; lagP99: number; served: boolean; valid: boolean }[] = [];
    for (let trial = 0; trial < trials; trial++) {
      const out = await engineRun(qps, workers, transport, durationS, noop);
      const lag = out.generator.schedule_lag_ms;
      // Completions inside the load window only: a late generator finishes its backlog after it.
      const inWindow = out.perSecond.slice(0, durationS).reduce((n, p) => n + p.successful, 0);
      const achieved = inWindow / durationS;
      const served = out.totals.failed_requests === 0 && out.totals.dropped_requests === 0 &&
        achieved >= qps * MIN_ACHIEVED_SHARE;
      runs.push({ achieved, lagP99: lag.p99, served, valid: served && out.generator.valid });
      console.log(
        `  ${String(qps).padStart(6)} offered  ${achieved.toFixed(0).padStart(6)} ok/s  ` +
          `lag p99 ${lag.p99.toFixed(3)} ms  p999 ${lag.p999.toFixed(3)} ms  ` +
          `latency p99 ${out.totals.latency_ms.p99} ms  loop lag p99 ` +
          `${out.generator.event_loop_lag_p99_ms} ms  ${served ? "" : "NOT SERVED"}`,
      );
    }
    const lagP99 = median(runs.map((r) => r.lagP99));
    const achieved = median(runs.map((r) => r.achieved));
    const served = runs.filter((r) => r.served).length * 2 > trials;
    const strictOk = served && lagP99 < LAG_P99_LIMIT_MS;
    const validOk = served && runs.filter((r) => r.valid).length * 2 > trials;
    console.log(
      `  ${String(qps).padStart(6)} median of ${trials}: lag p99 ${lagP99.toFixed(3)} ms  ` +
        `${strictOk ? "strict-ok" : validOk ? "valid" : "FAIL"}`,
    );
    if (strictOk) results[strict] = Math.max(results[strict] ?? 0, achieved);
    if (validOk) results[valid] = Math.max(results[valid] ?? 0, achieved);
    failures = validOk ? 0 : failures + 1;
    if (failures >= 2) break;
  }
}

/** The median of `values` (the mean of the two middle ones for an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One constant-rate run; `noop` resolves each request at once (the engine's own cost only). */
async function engineRun(
  qps: number,
  workers: number,
  transport: TransportKind,
  seconds: number,
  noop = false,
): Promise<LoadOutcome> {
  const base = {
    durationS: seconds,
    arrivals: "uniform" as const,
    overflow: "queue" as const,
    timeoutMs: 5000,
    seed: 1,
  };
  const maxInFlight = connections * 8;
  if (workers > 1) {
    return runLoadInWorkers(
      { ...base, streams: [{ tenant: "", profile: { type: "constant", qps }, maxInFlight }] },
      {
        moduleUrl: new URL("./get_load_module.ts", import.meta.url).href,
        context: { url, transport },
      },
      { workers },
    );
  }
  const client = transport === "http1" ? new Http1Pool(url) : new FetchTransport(url);
  try {
    return await runLoad(
      {
        ...base,
        streams: [{
          tenant: "",
          profile: makeRateProfile({ type: "constant", qps }, seconds, 1),
          maxInFlight,
        }],
      },
      () => ({ label: { operation: "get", tenant: "" }, request: null }),
      noop ? () => Promise.resolve() : async (_request, signal) => {
        await client.send("GET", "/", {}, undefined, signal);
      },
    );
  } finally {
    client.close();
  }
}

/** The median req/s of `trials` runs of a closed-loop tool (null if any run failed). */
async function medianOfTrials(run: () => Promise<number | null>): Promise<number | null> {
  const rps: number[] = [];
  console.log();
  for (let trial = 0; trial < trials; trial++) {
    const r = await run();
    if (r === null) return null;
    rps.push(r);
  }
  const m = median(rps);
  console.log(`  median of ${trials}: ${Math.round(m)} req/s`);
  return m;
}

async function autocannon(): Promise<number | null> {
  const spec = (denoJson.imports as Record<string, string>).autocannon;
  console.log(`${spec}: -c ${connections} -d ${durationS}`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", spec, "-c", String(connections), "-d", String(durationS), "-j", url],
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!out.success) return null;
  const json = JSON.parse(new TextDecoder().decode(out.stdout));
  console.log(`  ${json.requests.average} req/s, latency p99 ${json.latency.p99} ms`);
  return json.requests.average;
}

async function wrk(): Promise<number | null> {
  console.log(`wrk -t2 -c${connections} -d${durationS}s`);
  try {
    const out = await new Deno.Command("wrk", {
      args: ["-t2", `-c${connections}`, `-d${durationS}s`, url],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    const m = /Requests\/sec:\s+([\d.]+)/.exec(text);
    console.log(`  ${m ? m[1] : "?"} req/s`);
    return m ? Number(m[1]) : null;
  } catch (error) {
    console.log(`  wrk not available (${(error as Error).message}); apt-get install -y wrk`);
    return null;
  }
}
