import {
  type CriterionResult,
  growthBeyondWritesMb,
  type RunResult,
} from "../result/run_result.ts";
import { criterionObserved, criterionThreshold } from "./criterion_text.ts";
import {
  formatCount,
  formatDuration,
  formatMs,
  formatNumber,
  formatRatioPercent,
} from "./number_format.ts";
import { sentLoad } from "./sent_load.ts";
import { renderSweepSummary } from "./sweep_terminal.ts";
import { statusLabel } from "./status_label.ts";

type Section =
  | "p50"
  | "p90"
  | "p95"
  | "p99"
  | "throughput"
  | "error"
  | "memory"
  | "written"
  | "cpu"
  | "recall";

/** Which summary line a criterion belongs to, judged from its metric name. */
function sectionOf(c: CriterionResult): Section | null {
  const m = c.metric.toLowerCase();
  const p = /^p(50|90|95|99)(?![0-9])/.exec(m);
  if (p) return `p${p[1]}` as Section;
  if (m.includes("qps") || m.includes("throughput")) return "throughput";
  if (m.includes("error")) return "error";
  if (m.includes("beyond_writes")) return "written";
  if (m.includes("memory") || m.includes("rss")) return "memory";
  if (m.includes("cpu")) return "cpu";
  if (m.includes("recall")) return "recall";
  return null;
}

/** The seed design's plain-text report, with ✅/❌ against each criterion's target. */
export function renderTerminalSummary(result: RunResult, options: { color: boolean }): string {
  const paint = (code: number, s: string) => options.color ? `\x1b[${code}m${s}\x1b[0m` : s;
  const mark = (c: CriterionResult) => {
    const target = `(${c.metric} ${criterionObserved(c)}, target: ${criterionThreshold(c)})`;
    return c.passed ? `${paint(32, "✅")} ${target}` : `${paint(31, "❌")} ${target}`;
  };
  if (result.steps) return renderSweepSummary(result, paint);
  const criteria = result.success_criteria.results;
  const placed = new Set<CriterionResult>();
  const marks = (section: Section) => {
    const found = criteria.filter((c) => sectionOf(c) === section);
    found.forEach((c) => placed.add(c));
    return found.map((c) => ` ${mark(c)}`).join("");
  };
  const status = result.status === "passed"
    ? paint(32, statusLabel(result.status))
    : paint(result.status === "skipped" ? 33 : 31, statusLabel(result.status));
  if (result.status !== "skipped" && !sentLoad(result)) {
    return `${result.scenario_id}: ${status}, no load was sent: ${
      result.status_reason ?? "no reason given"
    }\n`;
  }
  const lines = [
    paint(1, "=== Load Test Report ==="),
    `Scenario: ${result.scenario} (${result.scenario_id}, ${result.profile})`,
  ];
  if (result.status === "skipped") {
    lines.push(`Reason: ${result.status_reason ?? "none given"}`, "", `Status: ${status}`);
    return lines.join("\n") + "\n";
  }
  const l = result.latency_ms;
  const t = result.throughput;
  lines.push(
    `Duration: ${formatDuration(result.duration_seconds)}`,
    `Total Requests: ${formatCount(result.total_requests)}` +
      (result.dropped_requests > 0 ? ` (${formatCount(result.dropped_requests)} dropped)` : ""),
    "",
    "Latency (ms):",
    `  P50: ${formatMs(l.p50)}${marks("p50")}`,
    `  P90: ${formatMs(l.p90)}${marks("p90")}`,
    `  P95: ${formatMs(l.p95)}${marks("p95")}`,
    `  P99: ${formatMs(l.p99)}${marks("p99")}`,
    "",
    "Throughput:",
    `  Average: ${formatNumber(t.average_qps, 1)} QPS${marks("throughput")}`,
    `  Peak: ${formatNumber(t.peak_qps, 1)} QPS`,
    `  Offered: ${formatNumber(t.offered_qps, 1)} QPS`,
    "",
    `Error Rate: ${formatRatioPercent(result.error_rate)}${marks("error")}`,
  );
  const m = result.memory_mb;
  if (m) {
    const mb = (x: number) => `${formatNumber(x, 1)} MB`;
    const signed = (x: number, digits: number) => `${x > 0 ? "+" : ""}${formatNumber(x, digits)}`;
    lines.push(
      "",
      `Memory (target RSS): ${mb(m.start)} → ${mb(m.end)} (${
        signed(m.end - m.start, 1)
      } MB), peak ${mb(m.peak)}`,
      `  Trend: ${signed(m.growth_per_min, 2)} MB/min, fitted after warm-up${marks("memory")}`,
    );
    const beyond = growthBeyondWritesMb(m);
    if (beyond !== null && m.growth_beyond_writes_per_min !== undefined) {
      const cost = m.bytes_per_vector === undefined
        ? ""
        : m.bytes_per_vector_source === "bulk_load"
        ? `, ${formatNumber(m.bytes_per_vector / 1024, 2)} KB each as measured`
        : `, ${
          formatNumber(m.bytes_per_vector / 1024, 2)
        } KB each assumed: raw floats, not measured`;
      lines.push(
        `  Beyond writes: ${signed(m.growth_beyond_writes_per_min, 2)} MB/min (${
          mb(m.written!)
        } of vectors written${cost})${marks("written")}`,
      );
    }
  }
  const c = result.cpu_percent;
  if (c) {
    lines.push(
      "",
      "CPU:",
      `  Average: ${formatNumber(c.average, 1)}%${marks("cpu")}`,
      `  Peak: ${formatNumber(c.peak, 1)}%`,
    );
  }
  if (result.recall) {
    lines.push(
      "",
      `Recall@${result.recall.k}: ${formatNumber(result.recall.overall, 4)}${marks("recall")}${
        result.recall.capped_from
          ? ` (k capped from ${result.recall.capped_from}: the target returns at most ${result.recall.k})`
          : ""
      }`,
    );
  }
  const others = criteria.filter((c) => !placed.has(c));
  if (others.length > 0) {
    lines.push("", "Other criteria:", ...others.map((c) => `  ${c.expression}: ${mark(c)}`));
  }
  if (result.status_reason) lines.push("", `Reason: ${result.status_reason}`);
  lines.push("", `Status: ${status}`);
  return lines.join("\n") + "\n";
}
