import type { Comparison } from "./compare.ts";
import { COMPARISON_HEADERS, comparisonCells } from "./compare_text.ts";
import { htmlPage } from "./html_page.ts";
import { htmlTable } from "./html_tables.ts";
import { markdownTable } from "./markdown_table.ts";
import { escapeMarkup as e } from "./markup_escape.ts";
import { formatNumber } from "./number_format.ts";

function headline(c: Comparison): string {
  const tol = `${formatNumber(c.tolerance * 100, 1)}%`;
  return c.regressions === 0
    ? `No regression beyond ${tol} tolerance.`
    : `${c.regressions} metric(s) regressed beyond ${tol} tolerance.`;
}

const NOISE_NOTE = "A metric regresses only when it is worse by more than the tolerance and " +
  "its 95% interval of new − base lies wholly on the worse side (latency: a seeded bootstrap " +
  "of both runs' HDR histograms; error rate and throughput: binomial and Poisson intervals). " +
  "Noise guard: latency differences under 1 ms, percentiles with fewer than 10 samples beyond " +
  "them, throughput under 1 req/s, error rate under 0.1 point, recall under 0.005 and memory " +
  "growth under 1 MB/min never count as regressions.";

function extras(c: Comparison): string[] {
  const out: string[] = [];
  if (c.onlyInBase.length > 0) out.push(`Only in base: ${c.onlyInBase.join(", ")}.`);
  if (c.onlyInNew.length > 0) out.push(`Only in new: ${c.onlyInNew.join(", ")}.`);
  for (const n of c.notCompared) out.push(`Not compared: ${n.scenario} (${n.reason}).`);
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

/** The body of the comparison HTML (used by the page and by `reports serve`). */
export function renderComparisonBody(
  c: Comparison,
  labels: { base: string; next: string },
): string {
  const rows = regressionsFirst(c);
  return [
    `<header><h1>akibench compare <span class="status ${
      c.regressions === 0 ? "passed" : "failed"
    }">${e(headline(c))}</span></h1><p class="lead">Base <code>${
      e(labels.base)
    }</code>, new <code>${e(labels.next)}</code>.</p></header>`,
    `<main id="report">`,
    htmlTable(
      COMPARISON_HEADERS,
      rows.map((r) => comparisonCells(r).map((cell, i) => i >= 3 && i <= 5 ? { num: cell } : cell)),
      { id: "comparison", rowClass: (i) => rows[i].verdict === "regressed" ? "fail" : "" },
    ),
    ...extras(c).map((x) => `<p>${e(x)}</p>`),
    `<p class="note">${e(NOISE_NOTE)}</p>`,
    `</main>`,
  ].join("\n");
}

/** The comparison as a self-contained HTML page. */
export function renderComparisonHtml(
  c: Comparison,
  labels: { base: string; next: string },
): string {
  return htmlPage({
    title: `akibench compare: ${headline(c)}`,
    body: renderComparisonBody(c, labels),
    json: { comparison: c },
  });
}
