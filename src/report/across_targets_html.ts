import type { AcrossTargets, ScenarioAcross } from "./across_targets.ts";
import { ACROSS_CHARTS_SCRIPT } from "./across_targets_charts_script.ts";
import type { ReportLinks } from "./across_targets_markdown.ts";
import { acrossRows } from "./across_targets_rows.ts";
import { figure, statusBadge } from "./html.ts";
import { htmlPage } from "./html_page.ts";
import { type Cell, htmlTable } from "./html_tables.ts";
import { escapeMarkup as e } from "./markup_escape.ts";
import { statusLabel, statusWord } from "./status_label.ts";
import { statusMark } from "./status_mark.ts";

/** Element id of the comparison JSON embedded in the page (the charts draw from it). */
export const ACROSS_TARGETS_ELEMENT_ID = "across-targets";

function charts(s: ScenarioAcross, i: number): string {
  const f: string[] = [];
  if (s.cells.some((c) => c !== null && c.spectrum.length > 0)) {
    f.push(figure(
      `chart-spectrum-${i}`,
      `${s.spectrum_operation} latency percentile spectrum per target (HDR histograms)`,
    ));
  }
  if (s.cells.some((c) => c?.recall?.overall != null && c.operations.length > 0)) {
    f.push(figure(`chart-recall-qps-${i}`, "Recall vs achieved throughput per target"));
  }
  return f.length === 0 ? "" : `<div class="charts">${f.join("")}</div>`;
}

function reportLink(links: ReportLinks, label: string, scenarioId: string, text: string): Cell {
  const dir = links[label];
  if (dir === undefined) return text;
  return {
    html: `<a href="${e(`${dir}${encodeURIComponent(scenarioId)}.html`)}">${e(text)}</a>`,
  };
}

function scenarioSection(a: AcrossTargets, s: ScenarioAcross, i: number, links: ReportLinks) {
  const rows = acrossRows(s);
  return [
    `<h2 id="scenario-${e(s.scenario_id)}">${e(s.scenario)} <code>${e(s.scenario_id)}</code></h2>`,
    htmlTable(
      ["", ...a.labels.map((l) => reportLink(links, l, s.scenario_id, l))],
      rows.map((r) => [
        r.label,
        ...r.cells.map((text, t): Cell => {
          const c = s.cells[t];
          if (r.key === "status" && c) return { html: statusBadge(c.status) + reasonOf(c.reason) };
          // A verdict is a CSS mark (emoji are empty boxes without an emoji font) before text
          // that wraps: a criteria list on one line pushed the last target out of sight.
          const verdict = r.verdicts?.[t];
          if (verdict != null) {
            return { html: `${statusMark(verdict ? "passed" : "failed")} ${e(text)}` };
          }
          return r.key === "status" || r.key === "target" ? text : { num: text };
        }),
      ]),
      { id: `across-${e(s.scenario_id)}` },
    ),
    charts(s, i),
  ].join("\n");
}

function reasonOf(reason: string | null): string {
  return reason ? ` <span class="note">${e(reason)}</span>` : "";
}

/**
 * The comparison as a self-contained page: every scenario's status per target, then per
 * scenario the targets side by side with the spectra and the recall/throughput chart. `links`
 * maps a label to the folder (relative, ending in /) holding that target's own reports.
 */
export function renderAcrossHtml(a: AcrossTargets, links: ReportLinks = {}): string {
  const overview = htmlTable(
    [
      "Scenario",
      ...a.labels.map((l): Cell =>
        links[l] === undefined ? l : { html: `<a href="${e(`${links[l]}index.html`)}">${e(l)}</a>` }
      ),
    ],
    a.scenarios.map((s) => [
      { html: `<a href="#scenario-${e(s.scenario_id)}">${e(s.scenario_id)}</a>` },
      ...s.cells.map((c): Cell => c === null ? "not run" : { html: statusBadge(c.status) }),
    ]),
    { id: "scenarios" },
  );
  const body = [
    `<header><h1>akibench across targets ${
      statusBadge(a.status)
    }</h1><p class="lead">${a.labels.length} targets (${
      a.labels.map((l, i) => `${e(l)} ${statusMark(a.statuses[i])} ${e(statusWord(a.statuses[i]))}`)
        .join(", ")
    }), profile ${
      e(a.profiles.join(", ") || "–")
    }. Latency in ms from the intended send time; each target's own report is linked.</p></header>`,
    `<main id="report">`,
    "<h2>Scenarios</h2>",
    overview,
    `<noscript><p class="note">Charts need JavaScript; the tables hold every number.</p></noscript>`,
    ...a.scenarios.map((s, i) => scenarioSection(a, s, i, links)),
    `</main>`,
    `<footer>Generated from the embedded comparison (#${ACROSS_TARGETS_ELEMENT_ID}).</footer>`,
  ];
  return htmlPage({
    title: `akibench across targets: ${statusLabel(a.status)}`,
    body: body.join("\n"),
    json: { [ACROSS_TARGETS_ELEMENT_ID]: a },
    scripts: [ACROSS_CHARTS_SCRIPT],
  });
}
