import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { RunResult } from "../result/run_result.ts";
import { chartData } from "./chart_data.ts";
import { CHARTS_SCRIPT } from "./charts_script.ts";
import { renderRunHeader, renderRunMain, renderRunPage } from "./html.ts";
import { htmlPage } from "./html_page.ts";
import { statusWord } from "./status_label.ts";

/** Browser code of the live view: each server-sent "update" swaps the report body and redraws. */
const LIVE_SCRIPT = `(function () {
  var source = new EventSource("/events");
  source.addEventListener("update", function (ev) {
    var d = JSON.parse(ev.data);
    document.title = d.title;
    document.getElementById("report-header").innerHTML = d.header;
    document.getElementById("report").innerHTML = d.main;
    window.akibenchDraw(d.chartData);
  });
})();`;

const LIVE_CSP = "connect-src 'self'";

export interface LiveReport {
  url: string;
  /** Publishes a (partial or final) RunResult to every open page. */
  update(result: RunResult): void;
  close(): Promise<void>;
}

function payload(result: RunResult): string {
  const data = chartData(result);
  return JSON.stringify({
    title: `${result.scenario}: ${statusWord(result.status)}`,
    header: renderRunHeader(result),
    main: renderRunMain(result, data),
    chartData: data,
  });
}

function waitingPage(): string {
  return htmlPage({
    title: "akibench: waiting for data",
    body:
      `<header id="report-header"><h1>akibench live report</h1></header><main id="report"><p class="note">Waiting for the first second of the run…</p></main>`,
    scripts: [CHARTS_SCRIPT, LIVE_SCRIPT],
    extraCsp: LIVE_CSP,
  });
}

/**
 * Serves a live report: the same page as the offline HTML report plus a script that follows
 * server-sent events from /events; `update()` (called by the runner about once a second) pushes
 * the new RunResult to every open page. /run.json returns the latest RunResult.
 */
export async function startLiveReport(
  options: { port?: number; hostname?: string },
): Promise<LiveReport> {
  let latest: RunResult | null = null;
  let publishScheduled = false;
  const listeners = new Set<(data: string) => void>();
  let closed = false;
  const closers = new Set<() => void>();
  const app = new Hono();
  app.get(
    "/",
    (c) =>
      c.html(
        latest
          ? renderRunPage(latest, { scripts: [LIVE_SCRIPT], extraCsp: LIVE_CSP })
          : waitingPage(),
      ),
  );
  app.get("/run.json", (c) => latest ? c.json(latest) : c.json({ error: "no data yet" }, 404));
  app.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      let pending = Promise.resolve();
      const send = (data: string) => {
        pending = pending.then(() => stream.writeSSE({ event: "update", data })).catch(() => {});
      };
      if (latest) send(payload(latest));
      await new Promise<void>((resolve) => {
        if (closed) return resolve();
        const done = () => {
          listeners.delete(send);
          closers.delete(done);
          resolve();
        };
        listeners.add(send);
        closers.add(done);
        stream.onAbort(done);
      });
      await pending;
    }));
  const ready = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    onListen: (addr) => ready.resolve(addr as Deno.NetAddr),
  }, app.fetch);
  const addr = await ready.promise;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return {
    url: `http://${host}:${addr.port}/`,
    update(result: RunResult) {
      latest = result;
      // Rendering costs milliseconds on long runs: only when someone watches, outside the
      // caller's tick, and once for a burst of updates.
      if (listeners.size === 0 || publishScheduled) return;
      publishScheduled = true;
      setTimeout(() => {
        publishScheduled = false;
        if (closed || !latest || listeners.size === 0) return;
        const data = payload(latest);
        for (const send of listeners) send(data);
      }, 0);
    },
    async close() {
      closed = true;
      for (const done of [...closers]) done();
      await server.shutdown();
    },
  };
}
