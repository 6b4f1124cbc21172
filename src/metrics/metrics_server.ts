import { Hono } from "hono";

/** The Prometheus text format's content type (version 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface MetricsServer {
  /** The scrape URL, e.g. http://127.0.0.1:9464/metrics. */
  url: string;
  /** Scrapes answered so far. */
  scrapes(): number;
  /** Resolves true at the next scrape, or false after `timeoutMs` without one. */
  nextScrape(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Serves `render()` on GET /metrics (rendered per scrape); `port` 0 picks a free one. */
export async function startMetricsServer(
  options: { port: number; hostname: string; render: () => string },
): Promise<MetricsServer> {
  let scrapes = 0;
  const waiting = new Set<() => void>();
  const app = new Hono();
  app.get("/metrics", (c) => {
    scrapes++;
    const body = options.render();
    for (const done of waiting) done();
    return c.body(body, 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
  });
  const ready = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: options.port,
    hostname: options.hostname,
    onListen: (addr) => ready.resolve(addr as Deno.NetAddr),
  }, app.fetch);
  const addr = await ready.promise;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return {
    url: `http://${host}:${addr.port}/metrics`,
    scrapes: () => scrapes,
    nextScrape(timeoutMs) {
      return new Promise<boolean>((resolve) => {
        const finish = (scraped: boolean) => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve(scraped);
        };
        const done = () => finish(true);
        const timer = setTimeout(() => finish(false), timeoutMs);
        waiting.add(done);
      });
    },
    close: () => server.shutdown(),
  };
}
