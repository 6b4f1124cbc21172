import type { AcrossTargets } from "./across_targets.ts";
import { acrossRows } from "./across_targets_rows.ts";
import { markdownTable } from "./markdown_table.ts";
import { statusLabel } from "./status_label.ts";

/** Where each target's own reports are, by label (relative links), when known. */
export type ReportLinks = Record<string, string>;

/** A cell's text after the icon of its verdict, if it has one. */
function marked(text: string, verdict: boolean | null | undefined): string {
  return verdict == null ? text : `${verdict ? "✅" : "❌"} ${text}`;
}

/**
 * The comparison as Markdown: the status of every scenario on every target, then per scenario
 * one table with the targets side by side.
 */
export function renderAcrossMarkdown(a: AcrossTargets, links: ReportLinks = {}): string {
  const head = (label: string) =>
    links[label] === undefined ? label : `[${label}](${links[label]}index.html)`;
  const out = [
    `# akibench across targets: ${statusLabel(a.status)}`,
    "",
    `Targets: ${a.labels.map((l, i) => `${head(l)} ${statusLabel(a.statuses[i])}`).join(", ")}. ` +
    `Profile ${a.profiles.join(", ") || "–"}. Latency in ms from the intended send time.`,
    "",
    markdownTable(
      ["Scenario", ...a.labels],
      a.scenarios.map((s) => [
        s.scenario_id,
        ...s.cells.map((c) => c === null ? "not run" : statusLabel(c.status)),
      ]),
    ),
    "",
  ];
  for (const s of a.scenarios) {
    out.push(
      `## ${s.scenario_id}: ${s.scenario}`,
      "",
      markdownTable(
        ["", ...a.labels],
        acrossRows(s).map((
          r,
        ) => [r.label, ...r.cells.map((text, i) => marked(text, r.verdicts?.[i]))]),
        ["l", ...a.labels.map(() => "r" as const)],
      ),
      "",
    );
  }
  return out.join("\n");
}
