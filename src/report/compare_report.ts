import type { RunResult, RunStatus } from "../result/run_result.ts";
import { CHARTS_SCRIPT } from "./charts_script.ts";
import type { Comparison, MetricComparison, Verdict } from "./compare.ts";
import { COMPARISON_HEADERS, comparisonCells } from "./compare_text.ts";
import { htmlPage } from "./html_page.ts";
import { type Cell, htmlTable } from "./html_tables.ts";
import { markdownTable } from "./markdown_table.ts";
import { escapeMarkup as e } from "./markup_escape.ts";
import { formatNumber } from "./number_format.ts";
import { percentileSpectrum } from "./percentile_spectrum.ts";
import { statusMark } from "./status_mark.ts";

function headline(c: Comparison): string {
  const tol = `${formatNumber(c.tolerance * 100, 1)}%`;
  const inconclusive = c.inconclusive === 0
    ? ""
    : ` ${c.inconclusive} inconclusive from single runs (record both sides with run --repeat N).`;
  return (c.regressions === 0
    ? `No regression beyond ${tol} tolerance.`
    : `${c.regressions} metric(s) regressed beyond ${tol} tolerance.`) + inconclusive;
}

const NOISE_NOTE = "A metric regresses only when it is worse by more than the tolerance and " +
  "its 95% interval of new − base lies wholly on the worse side (latency: a seeded bootstrap " +
  "of both runs' HDR histograms; error rate and throughput: binomial and Poisson intervals). " +
  "Noise guard: latency differences under 1 ms, percentiles with fewer than 10 samples beyond " +
  "them, throughput under 1 req/s, error rate under 0.1 point, recall under 0.005 and memory " +
  "growth under 1 MB/min never count as regressions. Where both sides hold repeated runs " +
  "(run --repeat N), latency, throughput and memory growth are means over the runs and their " +
  "interval is Welch's t from the spread between the runs. From single runs, whose interval " +
  "cannot see how much runs differ, a p50 regresses only when its interval is beyond twice " +
  "the base, and p90 and above and memory growth are inconclusive instead of regressed.";

function extras(c: Comparison): string[] {
  const out: string[] = [];
  if (c.onlyInBase.length > 0) out.push(`Only in base: ${c.onlyInBase.join(", ")}.`);
  if (c.onlyInNew.length > 0) out.push(`Only in new: ${c.onlyInNew.join(", ")}.`);
  for (const n of c.notCompared) out.push(`Not compared: ${n.scenario} (${n.reason}).`);
  for (const r of c.repeated) {
    out.push(`${r.scenario}: means of ${r.base} base and ${r.next} new runs.`);
  }
  return out;
}

/** The comparison's rows, regressed ones first (otherwise in their order). */
function regressionsFirst(c: Comparison): Comparison["rows"] {
  return [...c.rows].sort((a, b) =>
    Number(b.verdict === "regressed") - Number(a.verdict === "regressed")
  );
}

/** The comparison as Markdown (regressions first). */
export function renderComparisonMarkdown(
  c: Comparison,
  labels: { base: string; next: string },
): string {
  const rows = regressionsFirst(c);
  return [
    `# akibench compare: ${c.regressions === 0 ? "✅" : "❌"} ${headline(c)}`,
    "",
    `Base \`${labels.base}\`, new \`${labels.next}\`.`,
    "",
    markdownTable(COMPARISON_HEADERS, rows.map(comparisonCells), [
      "l",
      "l",
      "l",
      "r",
      "r",
      "r",
      "l",
      "l",
    ]),
    "",
    ...extras(c).flatMap((x) => [x, ""]),
    NOISE_NOTE,
    "",
  ].join("\n");
}

/** The mark drawn for each verdict (status_mark.ts): no emoji font needed. */
const VERDICT_MARKS: Record<Verdict, RunStatus> = {
  ok: "passed",
  improved: "passed",
  regressed: "failed",
  noise: "skipped",
  inconclusive: "skipped",
};

const VERDICT_COLUMN = COMPARISON_HEADERS.indexOf("Verdict");

/** A row's cells for HTML: numbers right-aligned, the verdict with a CSS mark for its emoji. */
function htmlCells(r: MetricComparison): Cell[] {
  const cells = comparisonCells(r);
  return cells.map((cell, i) =>
    i === VERDICT_COLUMN
      ? {
        html: statusMark(VERDICT_MARKS[r.verdict]) +
          e(cell.replace(/^\p{Extended_Pictographic}\uFE0F?\s*/u, "")),
      }
      : i >= 3 && i <= 5
      ? { num: cell }
      : cell
  );
}

/** The body of the comparison HTML (used by the page and by `reports serve`). */
export function renderComparisonBody(
  c: Comparison,
  labels: { base: string; next: string },
): string {
  const rows = regressionsFirst(c);
  const verdict = c.regressions === 0 ? "passed" : "failed";
  return [
    `<header><h1>akibench compare <span class="status ${verdict}">${statusMark(verdict)}${
      e(headline(c))
    }</span></h1><p class="lead">Base <code>${e(labels.base)}</code>, new <code>${
      e(labels.next)
    }</code>.</p></header>`,
    `<main id="report">`,
    htmlTable(
      COMPARISON_HEADERS,
      rows.map((r) => htmlCells(r)),
      { id: "comparison", rowClass: (i) => rows[i].verdict === "regressed" ? "fail" : "" },
    ),
    ...extras(c).map((x) => `<p>${e(x)}</p>`),
    `<p class="note">${e(NOISE_NOTE)}</p>`,
    `</main>`,
  ].join("\n");
}

/** Whole-run latency spectra of the scenarios both sides ran, base and new overlaid. */
interface SpectrumPair {
  scenario: string;
  base: [number, number][];
  next: [number, number][];
}

const COMPARE_SPECTRA_ID = "compare-spectra";

/** Draws each pair from #compare-spectra into canvas #spectrum-<i> (CHARTS_SCRIPT runs first). */
const COMPARE_SPECTRA_SCRIPT = `(function () {
  var el = document.getElementById("${COMPARE_SPECTRA_ID}");
  if (!el || !window.akibenchSpectrum) return;
  JSON.parse(el.textContent).forEach(function (p, i) {
    window.akibenchSpectrum("spectrum-" + i, [{ label: "base", points: p.base },
      { label: "new", points: p.next }]);
  });
})();`;

function spectrumOf(run: RunResult): [number, number][] {
  const all = run.operations.find((s) => s.operation === "all");
  if (!all || all.latency_ms.count === 0) return [];
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return percentileSpectrum(all.histograms.latency_us).map((p) => [r(p.x), r(p.ms)]);
}

function spectrumPairs(runs: { base: RunResult[]; next: RunResult[] }): SpectrumPair[] {
  const pairs: SpectrumPair[] = [];
  for (const b of runs.base) {
    const n = runs.next.find((r) => r.scenario_id === b.scenario_id);
    if (!n) continue;
    const pair = { scenario: b.scenario_id, base: spectrumOf(b), next: spectrumOf(n) };
    if (pair.base.length > 0 && pair.next.length > 0) pairs.push(pair);
  }
  return pairs;
}

/**
 * The comparison as a self-contained HTML page; given the runs, with each scenario's latency
 * percentile spectrum of base and new overlaid (a shift in the tail shows at a glance).
 */
export function renderComparisonHtml(
  c: Comparison,
  labels: { base: string; next: string },
  runs?: { base: RunResult[]; next: RunResult[] },
  footer = "",
): string {
  const pairs = runs ? spectrumPairs(runs) : [];
  const figures = pairs.map((p, i) =>
    `<figure class="chart"><figcaption>${
      e(p.scenario)
    }: latency percentile spectrum, base vs new (all operations)</figcaption><div class="box"><canvas id="spectrum-${i}" role="img" aria-label="${
      e(p.scenario)
    } latency spectrum"></canvas></div></figure>`
  );
  const charts = figures.length === 0
    ? ""
    : `<section><h2>Latency spectra</h2><div class="charts">${figures.join("")}</div></section>`;
  return htmlPage({
    title: `akibench compare: ${headline(c)}`,
    body: renderComparisonBody(c, labels) + charts + footer,
    json: pairs.length > 0 ? { comparison: c, [COMPARE_SPECTRA_ID]: pairs } : { comparison: c },
    scripts: pairs.length > 0 ? [CHARTS_SCRIPT, COMPARE_SPECTRA_SCRIPT] : undefined,
  });
}
