import { join } from "node:path";
import { EmbeddedProcess, freePort } from "../src/targets/embedded_process.ts";

/** A real Prometheus (Debian package `prometheus`) on a 127.0.0.1 port, for tests. */
export interface PrometheusServer {
  url: string;
  /** An instant query's result vector (throws on a query error). */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** A range query over the last 5 minutes (1 s steps), as a Grafana panel asks: its series. */
  queryRange(expr: string): Promise<{ metric: Record<string, string> }[]>;
  /** The query API's raw answer: status "error" for a bad expression. */
  queryRaw(expr: string): Promise<{ status: string; error?: string }>;
  /** Label sets of every series matching `match` stored in the last hour. */
  series(match: string): Promise<Record<string, string>[]>;
  alerts(): Promise<{ labels: Record<string, string>; state: string }[]>;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus with a generated config scraping `target` (host:port, path /metrics) every
 * second, evaluating `ruleFiles` every second, storing into a temporary directory that stop()
 * removes. Resolves once /-/ready answers.
 */
export async function startPrometheus(
  target: string,
  ruleFiles: string[] = [],
): Promise<PrometheusServer> {
  const dir = await Deno.makeTempDir({ prefix: "akibench-prometheus-" });
  const config = join(dir, "prometheus.yml");
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      global: { scrape_interval: "1s", evaluation_interval: "1s", scrape_timeout: "1s" },
      rule_files: ruleFiles,
      scrape_configs: [{ job_name: "akibench", static_configs: [{ targets: [target] }] }],
    }),
  );
  const url = `http://127.0.0.1:${freePort()}`;
  const server = new EmbeddedProcess("prometheus", "prometheus", [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=${url.slice("http://".length)}`,
    "--log.level=warn",
  ], { dataDir: dir });
  await server.waitUntil(async () => {
    try {
      const res = await fetch(`${url}/-/ready`);
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }, 30_000);
  const api = async (path: string, params: Record<string, string>) => {
    const res = await fetch(`${url}/api/v1/${path}?${new URLSearchParams(params)}`);
    return await res.json();
  };
  return {
    url,
    queryRaw: (expr) => api("query", { query: expr }),
    async query(expr) {
      const body = await api("query", { query: expr });
      if (body.status !== "success") throw new Error(`${expr}: ${body.error}`);
      return body.data.result;
    },
    async queryRange(expr) {
      const now = Math.ceil(Date.now() / 1000);
      const body = await api("query_range", {
        query: expr,
        start: String(now - 300),
        end: String(now),
        step: "1",
      });
      if (body.status !== "success") throw new Error(`${expr}: ${body.error}`);
      return body.data.result;
    },
    async series(match) {
      const now = Date.now() / 1000;
      const body = await api("series", {
        "match[]": match,
        start: String(now - 3600),
        end: String(now + 60),
      });
      if (body.status !== "success") throw new Error(`series ${match}: ${body.error}`);
      return body.data;
    },
    async alerts() {
      return (await api("alerts", {})).data.alerts;
    },
    stop: () => server.stop(),
  };
}
