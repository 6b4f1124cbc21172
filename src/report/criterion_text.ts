import type { CriterionResult } from "../result/run_result.ts";
import { fewSamplesNote } from "./chart_data.ts";
import { formatNumber, formatRatioPercent } from "./number_format.ts";

function withUnit(value: number, unit: string): string {
  if (unit === "ratio") return formatRatioPercent(value);
  const n = formatNumber(value, 3);
  if (unit === "" || unit === "count") return n;
  return unit === "%" ? `${n}%` : `${n} ${unit}`;
}

/**
 * The observed value of a criterion with its unit, or "not measured"; a percentile from fewer
 * than FEW_SAMPLES latencies says so, as the latency tables do: "12 ms (only 11 samples)".
 */
export function criterionObserved(c: CriterionResult): string {
  if (c.observed === null) return "not measured";
  return withUnit(c.observed, c.unit) + (c.samples === undefined ? "" : fewSamplesNote(c.samples));
}

/** The threshold with its comparator and unit, e.g. "< 25 ms". */
export function criterionThreshold(c: CriterionResult): string {
  return `${c.comparator} ${withUnit(c.threshold, c.unit)}`;
}
