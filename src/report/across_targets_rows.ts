/** The side-by-side rows of one scenario, as text, shared by the Markdown, HTML and terminal. */
import type { ScenarioAcross, TargetCell } from "./across_targets.ts";
import { formatCount, formatMs, formatNumber, formatRatioPercent } from "./number_format.ts";
import { statusLabel } from "./status_label.ts";

/** One row: what it shows, then one text per target. */
export interface AcrossRow {
  /** Stable key, e.g. "status", "latency:search", "qps", "recall". */
  key: string;
  label: string;
  cells: string[];
  /** Per cell, whether it reads as passed (true) or failed (false); absent: no verdict. */
  verdicts?: (boolean | null)[];
}

function errorsText(c: TargetCell): string {
  const dropped = c.dropped > 0 ? ` +${formatCount(c.dropped)} dropped` : "";
  return `${formatCount(c.failed)}${dropped} (${formatRatioPercent(c.error_rate)})`;
}

const BAD = ["missing", "corrupted", "resurrected"] as const;

function integrityText(c: TargetCell): string {
  const i = c.integrity;
  if (!i) return "–";
  const bad = BAD.filter((k) => i[k] > 0);
  if (bad.length === 0) return `${formatCount(i.checked)} read back intact`;
  return `${formatCount(i.checked)} checked: ${bad.map((k) => `${i[k]} ${k}`).join(", ")}`;
}

function integrityVerdict(c: TargetCell): boolean | null {
  const i = c.integrity;
  return i ? BAD.every((k) => i[k] === 0) : null;
}

function criteriaText(c: TargetCell): string {
  const { passed, total, failures } = c.criteria;
  if (total === 0) return "none";
  return failures.length === 0
    ? `${passed}/${total}`
    : `${passed}/${total}; failed ${failures.join("; ")}`;
}

function criteriaVerdict(c: TargetCell): boolean | null {
  return c.criteria.total === 0 ? null : c.criteria.failures.length === 0;
}

function statusText(c: TargetCell): string {
  const label = statusLabel(c.status);
  return c.reason && c.status !== "passed" ? `${label}: ${c.reason}` : label;
}

/** Operations any target ran, in the order the runs list them ("all" first). */
function operationsOf(s: ScenarioAcross): string[] {
  const ops: string[] = [];
  for (const c of s.cells) {
    for (const o of c?.operations ?? []) if (!ops.includes(o.operation)) ops.push(o.operation);
  }
  return ops;
}

/**
 * The rows of a scenario: status, target, p50/p95/p99 per operation, achieved vs offered QPS,
 * errors, recall, integrity, target RSS and CPU, criteria. A target that skipped the scenario or
 * never ran it shows its status and a dash elsewhere; a row no target measured is left out.
 */
export function acrossRows(s: ScenarioAcross): AcrossRow[] {
  const measured = (c: TargetCell | null): c is TargetCell =>
    c !== null && c.status !== "skipped" && c.operations.length > 0;
  const row = (
    key: string,
    label: string,
    text: (c: TargetCell) => string,
    verdict?: (c: TargetCell) => boolean | null,
  ): AcrossRow => ({
    key,
    label,
    cells: s.cells.map((c) => measured(c) ? text(c) : "–"),
    ...verdict ? { verdicts: s.cells.map((c) => measured(c) ? verdict(c) : null) } : {},
  });
  const k = s.cells.find((c) => c?.recall)?.recall?.k;
  const rows: AcrossRow[] = [
    {
      key: "status",
      label: "Status",
      cells: s.cells.map((c) => c === null ? "not run" : statusText(c)),
    },
    {
      key: "target",
      label: "Target",
      cells: s.cells.map((c) => c === null ? "–" : `${c.target.name} ${c.target.version}`),
    },
    ...operationsOf(s).map((op) =>
      row(`latency:${op}`, `${op} p50 / p95 / p99 ms`, (c) => {
        const o = c.operations.find((x) => x.operation === op);
        return o ? [o.p50, o.p95, o.p99].map(formatMs).join(" / ") : "–";
      })
    ),
    row(
      "qps",
      "Achieved (no error) / offered QPS",
      (c) => `${formatNumber(c.achieved_qps, 1)} / ${formatNumber(c.offered_qps, 1)}`,
    ),
    row("errors", "Errors (rate)", errorsText),
    row("recall", `Recall@${k ?? "k"}`, (c) => c.recall ? formatNumber(c.recall.overall, 4) : "–"),
    row("integrity", "Integrity", integrityText, integrityVerdict),
    row(
      "rss",
      "Target RSS end / peak MB",
      (c) =>
        c.rss_mb ? `${formatNumber(c.rss_mb.end, 1)} / ${formatNumber(c.rss_mb.peak, 1)}` : "–",
    ),
    row(
      "cpu",
      "Target CPU avg / peak %",
      (c) =>
        c.cpu_percent
          ? `${formatNumber(c.cpu_percent.average, 1)} / ${formatNumber(c.cpu_percent.peak, 1)}`
          : "–",
    ),
    row("criteria", "Criteria", criteriaText, criteriaVerdict),
  ];
  // Rows no target measured (every run skipped, no RSS reading anywhere) say nothing.
  return rows.filter((r) => r.key === "status" || r.cells.some((c) => c !== "–"));
}
