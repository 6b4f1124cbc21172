import type { MetricComparison, Verdict } from "./compare.ts";
import { formatMs, formatNumber, formatRatioPercent } from "./number_format.ts";

const VERDICTS: Record<Verdict, string> = {
  ok: "✅ ok",
  improved: "🟢 improved",
  regressed: "❌ regressed",
  noise: "➖ noise",
  inconclusive: "❔ inconclusive",
};

/** The cells of one comparison row as text: metric values, change and verdict. */
export function comparisonCells(r: MetricComparison): string[] {
  const value = (v: number | null) => {
    if (v === null) return "–";
    if (r.unit === "ms") return `${formatMs(v)} ms`;
    if (r.unit === "ratio") return formatRatioPercent(v);
    return r.unit ? `${formatNumber(v, 2)} ${r.unit}` : formatNumber(v, 4);
  };
  const change = r.change === null
    ? "–"
    : `${r.change >= 0 ? "+" : ""}${formatNumber(r.change * 100, 1)}%`;
  const signed = (v: number) => (v > 0 ? "+" : "") + value(v).replace(/^\+/, "");
  const interval = r.interval ? `${signed(r.interval[0])} … ${signed(r.interval[1])}` : "–";
  return [
    r.scenario,
    r.operation,
    r.metric,
    value(r.base),
    value(r.next),
    change,
    VERDICTS[r.verdict] + (r.note ? ` (${r.note})` : ""),
    interval,
  ];
}

export const COMPARISON_HEADERS = [
  "Scenario",
  "Operation",
  "Metric",
  "Base",
  "New",
  "Change",
  "Verdict",
  "95% interval of new − base",
];
