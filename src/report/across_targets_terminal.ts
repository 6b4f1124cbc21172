import type { AcrossTargets } from "./across_targets.ts";
import { acrossRows } from "./across_targets_rows.ts";

/** Rows the terminal shows (the page and the Markdown hold them all). */
const KEYS = ["qps", "errors", "recall", "integrity", "criteria"];
const WIDEST = 34;

function fit(text: string): string {
  return text.length > WIDEST ? `${text.slice(0, WIDEST - 1)}…` : text;
}

/**
 * The comparison as a compact plain-text table per scenario: status, the compared operation's
 * p50/p95/p99, achieved/offered QPS, errors, recall, integrity and criteria per target.
 */
export function renderAcrossTerminal(a: AcrossTargets): string {
  const out: string[] = [];
  for (const s of a.scenarios) {
    const rows = acrossRows(s);
    const picked = [
      ["status", s.cells.map((c) => c === null ? "not run" : c.status.toUpperCase())],
      ...rows.filter((r) => r.key === `latency:${s.spectrum_operation}` || KEYS.includes(r.key))
        .map((r) => [r.label, r.cells.map(fit)]),
    ] as [string, string[]][];
    const table = [
      [s.scenario_id, ...a.labels],
      ...picked.map(([l, cells]) => [`  ${l}`, ...cells]),
    ];
    if (out.length > 0) out.push("");
    const widths = table[0].map((_, i) => Math.max(...table.map((r) => [...r[i]].length)));
    for (const r of table) {
      out.push(r.map((c, i) => c + " ".repeat(widths[i] - [...c].length)).join("  ").trimEnd());
    }
  }
  return out.join("\n");
}
