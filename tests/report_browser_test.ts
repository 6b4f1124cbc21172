/// <reference lib="dom" />
/**
 * Opens generated reports from disk in Debian's Chromium (driven by playwright-core) and checks
 * what a person would see: every chart drawn, no console errors, no network requests, the
 * criteria table present (also with JavaScript off). Saves screenshots to reports/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { compareRuns } from "../src/report/compare.ts";
import { renderComparisonHtml } from "../src/report/compare_report.ts";
import { renderHtml, renderSuiteHtml } from "../src/report/html.ts";
import { startLiveReport } from "../src/report/live.ts";
import { fixtureSuite, loadFixture } from "./fixtures/load_fixture.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = await Deno.stat(CHROMIUM).then((s) => s.isFile, () => false);
if (!hasChromium) {
  console.warn(
    `report_browser_test: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`,
  );
}

async function withBrowser(fn: (browser: Browser, dir: string) => Promise<void>) {
  const { chromium } = await import("playwright-core");
  const dir = await Deno.makeTempDir({ prefix: "akibench-browser-" });
  // playwright gives each launch its own temporary --user-data-dir (it refuses one in args).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    await fn(browser, dir);
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "report pages in Chromium",
  ignore: !hasChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: (t) =>
    withBrowser(async (browser, dir) => {
      await t.step(
        "report opened from disk draws every chart, logs no error and requests nothing",
        async () => {
          const path = join(dir, "spike.html");
          await Deno.writeTextFile(path, renderHtml(loadFixture("run_result.json")));
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          const errors: string[] = [];
          const requests: string[] = [];
          page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
          page.on("pageerror", (e) => errors.push(String(e)));
          page.on("request", (r) => requests.push(r.url()));
          await page.goto(pathToFileURL(path).href);
          await page.waitForFunction(() => document.querySelectorAll("canvas").length > 0);
          const drawn = await page.evaluate(() =>
            [...document.querySelectorAll("canvas")].map((c) => {
              const ctx = c.getContext("2d")!;
              const { data } = ctx.getImageData(0, 0, c.width, c.height);
              let painted = 0;
              for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
              return { id: c.id, width: c.width, painted };
            })
          );
          assert.equal(drawn.length, 11);
          for (const c of drawn) {
            assert.ok(c.width > 0 && c.painted > 500, `${c.id} drew ${c.painted} px`);
          }
          assert.deepEqual(errors, []);
          for (const url of requests) {
            assert.match(url, /^(file|data):/);
          }
          assert.equal(await page.locator("#criteria tbody tr").count(), 5);
          await Deno.mkdir("reports", { recursive: true });
          await page.screenshot({ path: "reports/browser-test-spike.png", fullPage: true });
          await page.setViewportSize({ width: 380, height: 800 });
          // Chart.js resizes its canvases from a ResizeObserver: let the layout settle first.
          await page.waitForFunction(
            () => document.documentElement.scrollWidth <= innerWidth + 1,
            null,
            { timeout: 10_000 },
          ).catch(() => {});
          const overflow = await page.evaluate(() =>
            document.documentElement.scrollWidth - innerWidth
          );
          assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px in a narrow window`);
          await page.screenshot({ path: "reports/browser-test-spike-narrow.png" });
        },
      );
      await t.step("a sweep draws its five charts against the dataset size", async () => {
        const base = loadFixture("run_result.json");
        const steps = [1_000, 10_000, 100_000, 1_000_000].map((size, i) => ({
          ...loadFixture("run_result.json"),
          scenario_id: `sweep/${size}`,
          step: String(size),
          dataset: { ...base.dataset, size },
          setup: {
            dataset_s: i,
            vectors: size,
            load_s: size / 5000,
            vectors_per_s: 5000 - i * 500,
            index_s: size / 2000,
            index_pending: 0,
            rss_at_rest_mb: 150 + size * 0.003,
          },
          probe: {
            kind: "stepped_open_model" as const,
            p95_limit_ms: 5 * (i + 1),
            stage_s: 5,
            growth: 1.5,
            max_sustained_qps: 2000 / (i + 1),
            stopped_by: "p95 over the limit",
            limited_by: "target" as const,
            stages: [],
          },
        }));
        const path = join(dir, "sweep.html");
        await Deno.writeTextFile(path, renderHtml({ ...base, steps }));
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
        page.on("pageerror", (e) => errors.push(String(e)));
        await page.goto(pathToFileURL(path).href);
        await page.waitForFunction(() => document.querySelectorAll("canvas").length > 0);
        const drawn = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLCanvasElement>("canvas[id^=chart-sweep-]")].map((c) => {
            const { data } = c.getContext("2d")!.getImageData(0, 0, c.width, c.height);
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
            return { id: c.id, painted };
          })
        );
        assert.deepEqual(drawn.map((c) => c.id), [
          "chart-sweep-latency",
          "chart-sweep-memory",
          "chart-sweep-load",
          "chart-sweep-recall",
          "chart-sweep-qps",
        ]);
        for (const c of drawn) assert.ok(c.painted > 500, `${c.id} drew ${c.painted} px`);
        assert.equal(await page.locator("#steps tbody tr").count(), 4);
        assert.deepEqual(errors, []);
        await page.screenshot({ path: "reports/browser-test-sweep.png", fullPage: true });
      });
      await t.step(
        "a tiered run draws search latency per tier with the target's transitions marked",
        async () => {
          const run = loadFixture("run_result.json");
          run.series.per_second.forEach((p, i) => {
            p.by_operation = {
              "search@hot": { count: 80, p50: 1 + (i % 3), p95: 4 },
              ...(i % 4 === 0 && { "search@cold": { count: 1, p50: 40, p95: 40 } }),
            };
          });
          const at = (...values: number[]) => values.map((value, i) => ({ t: 5 * i, value }));
          run.series.target_metrics = {
            'akidb_tier_transitions_total{from="hot",to="warm"}': at(0, 2, 2, 5),
            'akidb_tier_transitions_total{from="cold",to="warm"}': at(0, 0, 1, 1),
          };
          const path = join(dir, "tiered.html");
          await Deno.writeTextFile(path, renderHtml(run));
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          const errors: string[] = [];
          page.on("pageerror", (e) => errors.push(String(e)));
          page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
          await page.goto(pathToFileURL(path).href);
          await page.waitForFunction(() => (window as unknown as { Chart?: unknown }).Chart);
          const legend = await page.evaluate(() => {
            const chart = (window as unknown as {
              Chart: { getChart(id: string): { data: { datasets: { label: string }[] } } };
            }).Chart.getChart("chart-tier-latency");
            return chart.data.datasets.map((d) => d.label);
          });
          assert.deepEqual(legend, [
            "hot p50",
            "hot p95",
            "cold p50",
            "cold p95",
            "| cold → warm",
            "| hot → warm",
          ]);
          assert.deepEqual(errors, []);
          await page.locator("#chart-tier-latency").screenshot({
            path: "reports/browser-test-tier-latency.png",
          });
          await page.close();
        },
      );
      await t.step(
        "compare page overlays the base and new latency spectra of each scenario",
        async () => {
          const base = loadFixture("run_result.json");
          const next = loadFixture("run_result_failed.json");
          next.scenario_id = base.scenario_id;
          const html = renderComparisonHtml(
            compareRuns([base], [next], { tolerance: 0.1 }),
            { base: "a", next: "b" },
            { base: [base], next: [next] },
          );
          assert.doesNotMatch(html, /\p{Extended_Pictographic}/u, "no emoji to fall back on");
          const path = join(dir, "compare.html");
          await Deno.writeTextFile(path, html);
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          const errors: string[] = [];
          page.on("pageerror", (e) => errors.push(String(e)));
          await page.goto(pathToFileURL(path).href);
          await page.waitForFunction(() => (window as unknown as { Chart?: unknown }).Chart);
          const legend = await page.evaluate(() => {
            const chart = (window as unknown as {
              Chart: { getChart(id: string): { data: { datasets: { label: string }[] } } };
            }).Chart.getChart("spectrum-0");
            return chart.data.datasets.map((d) => d.label);
          });
          assert.deepEqual(legend, ["base", "new"]);
          assert.deepEqual(errors, []);
          await page.close();
        },
      );
      await t.step("with JavaScript off the summary tables are still there", async () => {
        const { suite, runs } = fixtureSuite();
        await Deno.writeTextFile(join(dir, "index.html"), renderSuiteHtml(suite, runs));
        await Deno.writeTextFile(join(dir, "spike.html"), renderHtml(runs[0]));
        const context = await browser.newContext({ javaScriptEnabled: false });
        const page = await context.newPage();
        await page.goto(pathToFileURL(join(dir, "spike.html")).href);
        assert.equal(await page.locator("#criteria tbody tr").count(), 5);
        assert.match(await page.locator("#overview").innerText(), /10,320/);
        await page.goto(pathToFileURL(join(dir, "index.html")).href);
        assert.equal(await page.locator("#scenarios tbody tr").count(), 3);
        await context.close();
      });
      await t.step(
        "live view redraws in the browser when the runner publishes a new second",
        async () => {
          const live = await startLiveReport({ port: 0 });
          try {
            const final = loadFixture("run_result.json");
            const partial = structuredClone(final);
            partial.status = "interrupted";
            partial.series.per_second = partial.series.per_second.slice(0, 5);
            const page = await browser.newPage();
            const errors: string[] = [];
            page.on("pageerror", (e) => errors.push(String(e)));
            await page.goto(live.url);
            await page.waitForFunction(() =>
              document.querySelector("main")!.textContent!.includes("Waiting")
            );
            live.update(partial);
            await page.waitForFunction(() =>
              document.querySelectorAll("#criteria tbody tr").length === 5
            );
            assert.match(await page.locator("h1").innerText(), /INTERRUPTED/);
            live.update(final);
            await page.waitForFunction(() =>
              /PASSED/.test(document.querySelector("h1")!.textContent!)
            );
            const painted = await page.evaluate(() => {
              const c = document.getElementById("chart-latency") as HTMLCanvasElement;
              const { data } = c.getContext("2d")!.getImageData(0, 0, c.width, c.height);
              let n = 0;
              for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
              return n;
            });
            assert.ok(painted > 500, `latency chart drew ${painted} px after the update`);
            assert.deepEqual(errors, []);
            await page.close();
          } finally {
            await live.close();
          }
        },
      );
    }),
});
