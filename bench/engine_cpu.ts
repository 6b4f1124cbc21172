/**
 * What keeping the schedule costs at low rates: runs the engine at each --rates value for
 * --duration seconds against a trivial Deno.serve endpoint (separate process, akibench's HTTP/1.1
 * transport) and prints schedule lag and this process's CPU use (share of one core).
 *
 *   deno run -A bench/engine_cpu.ts [--rates 100,1000] [--duration 5]
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { runLoad } from "../src/load/engine.ts";
import { makeRateProfile } from "../src/load/rate_profile.ts";
import { Http1Pool } from "../src/targets/http1_pool.ts";
import { startTrivialServer } from "./trivial_server.ts";

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "100,1000" },
    duration: { type: "string", default: "5" },
  },
  strict: true,
});
const durationS = Number(values.duration);

const server = await startTrivialServer();
const pool = new Http1Pool(server.url);
try {
  for (const qps of [0, ...values.rates.split(",").map(Number)]) {
    const seconds = qps === 0 ? 1 : durationS; // qps 0: a warm-up run at 100/s, not printed
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await runLoad(
      {
        durationS: seconds,
        arrivals: "uniform",
        overflow: "queue",
        timeoutMs: 5000,
        seed: 1,
        streams: [{
          tenant: "",
          profile: makeRateProfile({ type: "constant", qps: qps || 100 }, seconds, 1),
          maxInFlight: 512,
        }],
      },
      () => ({ label: { operation: "get", tenant: "" }, request: null }),
      async (_request, signal) => {
        await pool.send("GET", "/", {}, undefined, signal);
      },
    );
    if (qps === 0) continue;
    const cpu = process.cpuUsage(cpu0);
    const cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
    const lag = out.generator.schedule_lag_ms;
    console.log(
      `${String(qps).padStart(6)} req/s  lag p50 ${lag.p50.toFixed(3)} p99 ${lag.p99.toFixed(3)} ` +
        `p999 ${lag.p999.toFixed(3)} max ${lag.max.toFixed(3)} ms  CPU ${
          (cpuShare * 100).toFixed(1)
        } % ` +
        `of a core  latency p50 ${out.totals.latency_ms.p50} p99 ${out.totals.latency_ms.p99} ms  ` +
        `failed ${out.totals.failed_requests}`,
    );
  }
} finally {
  pool.close();
  await server.stop();
}
