/// <reference lib="dom" />
/**
 * Opens the across-targets comparison page from disk in Debian's Chromium (playwright-core) and
 * checks what a reader sees: every chart drawn with one line or point per target, no console
 * error, no request. Saves a screenshot to reports/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { acrossTargets } from "../src/report/across_targets.ts";
import { renderAcrossHtml } from "../src/report/across_targets_html.ts";
import { acrossFixture } from "./fixtures/across_fixture.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = await Deno.stat(CHROMIUM).then((s) => s.isFile, () => false);
if (!hasChromium) {
  console.warn(
    `report_across_browser_test: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`,
  );
}

Deno.test({
  name: "comparison page in Chromium: spectra and recall points per target, nothing fetched",
  ignore: !hasChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { chromium } = await import("playwright-core");
    const dir = await Deno.makeTempDir({ prefix: "akibench-across-browser-" });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    try {
      const path = join(dir, "comparison.html");
      await Deno.writeTextFile(path, renderAcrossHtml(acrossTargets(acrossFixture())));
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(path).href);
      // Chart.js registers each chart it drew; ask it what each canvas holds.
      const charts = await page.evaluate(() => {
        // deno-lint-ignore no-explicit-any
        const Chart = (globalThis as any).Chart;
        return [...document.querySelectorAll("canvas")].map((c) => {
          const chart = Chart.getChart(c);
          return {
            id: c.id,
            type: chart?.config.type,
            yScale: chart?.scales.y.type,
            datasets: chart?.data.datasets.map((d: { label: string; data: unknown[] }) =>
              `${d.label}:${d.data.length}`
            ),
            painted: (() => {
              const { data } = c.getContext("2d")!.getImageData(0, 0, c.width, c.height);
              let n = 0;
              for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
              return n;
            })(),
          };
        });
      });
      const a = acrossTargets(acrossFixture());
      const spikeSpectra = a.scenarios[0].cells.map((c) => c!.spectrum.length);
      assert.deepEqual(charts.map((c) => [c.id, c.type, c.datasets]), [
        ["chart-spectrum-0", "line", [
          `reference:${spikeSpectra[0]}`,
          `chroma:${spikeSpectra[1]}`,
        ]],
        ["chart-recall-qps-0", "scatter", ["reference:1", "chroma:1"]],
        ["chart-spectrum-1", "line", [`reference:${a.scenarios[1].cells[0]!.spectrum.length}`]],
        ["chart-recall-qps-1", "scatter", ["reference:1"]],
      ]);
      for (const c of charts) assert.ok(c.painted > 500, `${c.id} drew ${c.painted} px`);
      // The fixture's targets are 1.6x apart: latency stays on a linear axis.
      assert.equal(charts[0].yScale, "linear");
      assert.deepEqual(errors, []);
      for (const url of requests) assert.match(url, /^(file|data):/);
      await Deno.mkdir("reports", { recursive: true });
      await page.screenshot({ path: "reports/browser-test-comparison.png", fullPage: true });

      // One target timing out at 100x the other's latency: the spectra go on a log axis, where
      // the fast target's line is not flattened against zero.
      const slow = acrossTargets(acrossFixture());
      for (const c of slow.scenarios[0].cells[1]!.spectrum) c[1] *= 100;
      await Deno.writeTextFile(path, renderAcrossHtml(slow));
      await page.goto(pathToFileURL(path).href);
      const yScale = await page.evaluate(() =>
        // deno-lint-ignore no-explicit-any
        (globalThis as any).Chart.getChart(document.getElementById("chart-spectrum-0")).scales.y
          .type
      );
      assert.equal(yScale, "logarithmic");
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
