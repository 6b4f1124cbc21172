import type { RunResult } from "../result/run_result.ts";
import { criterionObserved, criterionThreshold } from "./criterion_text.ts";
import { statusLabel } from "./status_label.ts";
import { probeLimits, SWEEP_HEADERS, sweepCells, sweepRows } from "./sweep_rows.ts";

/**
 * A sweep's plain-text summary: its steps as an aligned table (the figures a single run's
 * summary gives, a row per step), then the failed criteria named with their step.
 */
export function renderSweepSummary(
  result: RunResult,
  paint: (code: number, s: string) => string,
): string {
  const limits = probeLimits(result);
  const rows = [SWEEP_HEADERS, ...sweepRows(result).map((r, i) => sweepCells(r, limits[i]))];
  const widths = SWEEP_HEADERS.map((_, j) => Math.max(...rows.map((r) => [...r[j]].length)));
  const pad = (s: string, j: number) =>
    j < 3 ? s + " ".repeat(widths[j] - [...s].length) : " ".repeat(widths[j] - [...s].length) + s;
  const lines = [
    paint(1, "=== Load Test Report ==="),
    `Scenario: ${result.scenario} (${result.scenario_id}, ${result.profile}), ${
      result.steps!.length
    } steps, target ${result.target.name}`,
    "",
    ...rows.map((r) => "  " + r.map(pad).join("  ")),
  ];
  const failed = result.success_criteria.results.filter((c) => !c.passed);
  if (failed.length > 0) {
    lines.push(
      "",
      "Failed criteria:",
      ...failed.map((c) =>
        `  ${c.expression}: ${criterionObserved(c)}, target ${criterionThreshold(c)}${
          c.reason ? ` (${c.reason})` : ""
        }`
      ),
    );
  }
  if (result.status_reason) lines.push("", `Reason: ${result.status_reason}`);
  const status = statusLabel(result.status);
  lines.push("", `Status: ${result.status === "passed" ? paint(32, status) : paint(31, status)}`);
  return lines.join("\n") + "\n";
}
