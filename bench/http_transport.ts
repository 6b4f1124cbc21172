/**
 * Raw request rate of each HTTP transport on one event loop, closed loop (each of --concurrency
 * callers sends its next GET as soon as the previous answer is read), against a trivial
 * Deno.serve endpoint in a separate process. Prints req/s and CPU per request of this process and
 * of the server (from /proc, Linux only).
 *
 *   deno run -A bench/http_transport.ts [--duration 3] [--concurrency 64]
 *     [--transports http1,fetch,node-http]
 */
import http from "node:http";
import process from "node:process";
import { parseArgs } from "node:util";
import { readProcessStats } from "../src/metrics/process_stats.ts";
import { FetchTransport } from "../src/targets/fetch_transport.ts";
import { Http1Pool } from "../src/targets/http1_pool.ts";
import type { HttpTransport, TransportResponse } from "../src/targets/http_transport.ts";
import { startTrivialServer } from "./trivial_server.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "3" },
    concurrency: { type: "string", default: "64" },
    transports: { type: "string", default: "http1,fetch,node-http" },
  },
  strict: true,
});
const durationMs = Number(values.duration) * 1000;
const concurrency = Number(values.concurrency);

/** node:http with a keep-alive Agent, as a third candidate (not used by akibench). */
class NodeHttpTransport implements HttpTransport {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  constructor(readonly base: string) {}
  send(method: string, path: string): Promise<TransportResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.base}${path}`, { method, agent: this.#agent }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => text += d);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  }
  close(): void {
    this.#agent.destroy();
  }
}

const server = await startTrivialServer();
console.log(`endpoint ${server.url} (separate process); ${navigator.hardwareConcurrency} CPUs`);
console.log(`closed loop, ${concurrency} concurrent, ${durationMs / 1000} s each`);
try {
  for (const name of values.transports.split(",")) {
    const transport = name === "http1"
      ? new Http1Pool(server.url)
      : name === "fetch"
      ? new FetchTransport(server.url)
      : new NodeHttpTransport(server.url);
    await measure(transport, 500); // warm-up: JIT, connections
    const server0 = await serverCpuUs();
    const { rps, cpuUsPerReq, done, errors } = await measure(transport, durationMs);
    const serverUsPerReq = (await serverCpuUs() - server0) / done;
    transport.close();
    console.log(
      `  ${name.padEnd(10)} ${rps.toFixed(0).padStart(7)} req/s  CPU/req: ` +
        `${cpuUsPerReq.toFixed(1)} µs client, ${serverUsPerReq.toFixed(1)} µs server  ` +
        `errors ${errors}`,
    );
  }
} finally {
  await server.stop();
}

async function measure(transport: HttpTransport, ms: number) {
  let done = 0;
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      try {
        const res = await transport.send("GET", "/", {}, undefined);
        if (res.status === 200 && res.text === "ok") done++;
        else errors++;
      } catch {
        errors++;
      }
    }
  }));
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { rps: done / elapsedS, cpuUsPerReq: (cpu.user + cpu.system) / done, done, errors };
}

/** The server process's user + system CPU so far, µs (clock ticks of 10 ms). */
async function serverCpuUs(): Promise<number> {
  return (await readProcessStats(server.pid))!.cpuSeconds * 1e6;
}
