import { LiveMetrics } from "../metrics/live_metrics.ts";
import { type MetricsServer, startMetricsServer } from "../metrics/metrics_server.ts";
import { startStatusLines } from "./status_line.ts";
import { UsageError } from "../usage/usage_error.ts";

/**
 * How long `run` waits, after its last run, for Prometheus to scrape the final figures (when it
 * has scraped before): one scrape interval at Prometheus's default of 15 s.
 */
export const FINAL_SCRAPE_WAIT_MS = 15_000;

/** What `run` watches a run with: live figures, their /metrics endpoint, status lines. */
export interface LiveFigures {
  /** Undefined when nobody reads them (no --metrics-port, no status lines). */
  metrics?: LiveMetrics;
  /** Progress messages: to the terminal line and to the status lines. */
  onProgress?: (message: string) => void;
  close(): Promise<void>;
}

/**
 * Starts the /metrics endpoint (--metrics-port, URL printed) and, unless --quiet, the status
 * lines every 10 s when stdout is not a terminal (CI logs); `show` is the terminal progress.
 */
export async function startLiveFigures(
  flags: { metricsPort?: number; metricsHost: string; quiet: boolean },
  show: ((message: string) => void) | undefined,
  stdoutIsTerminal = Deno.stdout.isTerminal(),
): Promise<LiveFigures> {
  const statusLines = !flags.quiet && !stdoutIsTerminal;
  if (flags.metricsPort === undefined && !statusLines) {
    return { onProgress: show, close: () => Promise.resolve() };
  }
  const metrics = new LiveMetrics();
  let server: MetricsServer | undefined;
  if (flags.metricsPort !== undefined) {
    try {
      server = await startMetricsServer({
        port: flags.metricsPort,
        hostname: flags.metricsHost,
        render: () => metrics.render(),
      });
    } catch (err) {
      throw new UsageError(
        `--metrics-port ${flags.metricsPort} on ${flags.metricsHost}: ${(err as Error).message}`,
      );
    }
    console.log(`live metrics: ${server.url}`);
  }
  const lines = statusLines
    ? startStatusLines({ status: () => metrics.status(), write: (l) => console.log(l) })
    : null;
  return {
    metrics,
    onProgress: lines
      ? (message) => {
        show?.(message);
        lines.note(message);
      }
      : show,
    async close() {
      lines?.stop();
      if (server && server.scrapes() > 0) {
        console.log(`live metrics: waiting ≤ ${FINAL_SCRAPE_WAIT_MS / 1000} s for a last scrape`);
        await server.nextScrape(FINAL_SCRAPE_WAIT_MS);
      }
      await server?.close();
    },
  };
}
