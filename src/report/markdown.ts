import type { RunResult, SuiteResult, TrafficStats } from "../result/run_result.ts";
import { criterionObserved, criterionThreshold } from "./criterion_text.ts";
import { shardsSection } from "./shards_markdown.ts";
import { markdownTable } from "./markdown_table.ts";
import {
  OVERVIEW_HEADERS,
  overviewCells,
  PERCENTILE_HEADERS,
  percentileCells,
  resourceRows,
} from "./run_cells.ts";
import {
  formatCount,
  formatDuration,
  formatMs,
  formatNumber,
  formatRatioPercent,
} from "./number_format.ts";
import { sentLoad } from "./sent_load.ts";
import { statusLabel } from "./status_label.ts";
import { probeLimits, SWEEP_HEADERS, SWEEP_NOTE, sweepCells, sweepRows } from "./sweep_rows.ts";

const R = "r" as const;

function criteriaSection(run: RunResult): string[] {
  const results = run.success_criteria.results;
  if (results.length === 0) return ["## Success criteria", "", "No criteria were evaluated.", ""];
  const rows = results.map((c) => [
    `\`${c.expression}\``,
    criterionObserved(c),
    criterionThreshold(c),
    c.passed ? "✅ pass" : `❌ fail${c.reason ? `: ${c.reason}` : ""}`,
  ]);
  return [
    "## Success criteria",
    "",
    markdownTable(["Criterion", "Observed", "Threshold", "Result"], rows, ["l", R, R, "l"]),
    "",
  ];
}

/** A sweep's table, a row per step; empty for other runs. */
function stepsSection(run: RunResult): string[] {
  if (!run.steps) return [];
  const limits = probeLimits(run);
  const rows = sweepRows(run).map((r, i) => sweepCells(r, limits[i]));
  return [
    "## Steps",
    "",
    markdownTable(SWEEP_HEADERS, rows, ["l", R, "l", ...SWEEP_HEADERS.slice(3).map(() => R)]),
    "",
    SWEEP_NOTE,
    "",
  ];
}

function errorCount(s: TrafficStats): string {
  return formatCount(s.failed) + (s.dropped > 0 ? ` (+${formatCount(s.dropped)} dropped)` : "");
}

function latencyTable(label: string[], stats: TrafficStats[], key: (s: TrafficStats) => string[]) {
  const rows = stats.map((s) => [
    ...key(s),
    formatCount(s.requests),
    errorCount(s),
    ...percentileCells(s),
  ]);
  const headers = [...label, "Requests", "Errors", ...PERCENTILE_HEADERS];
  return markdownTable(headers, rows, [...label.map(() => "l" as const), ...headers.map(() => R)]);
}

function overviewSection(run: RunResult): string[] {
  return [
    "## Summary",
    "",
    markdownTable(
      OVERVIEW_HEADERS,
      [overviewCells(run)],
      Array(8).fill(R),
    ),
    "",
  ];
}

function trafficSections(run: RunResult): string[] {
  const out: string[] = [];
  if (run.operations.length > 0) {
    out.push("## Latency by operation (ms, from intended send time)", "");
    out.push(latencyTable(["Operation"], run.operations, (s) => [s.operation]), "");
  }
  if (run.tenants.length > 0) {
    out.push("## Tenants (ms)", "");
    out.push(latencyTable(["Tenant", "Operation"], run.tenants, (s) => [s.tenant!, s.operation]));
    out.push("");
  }
  const phaseAll = run.phases.filter((p) => p.operation === "all");
  if (phaseAll.length > 0) {
    const window = (name: string) => {
      const w = run.phase_windows.find((p) => p.name === name);
      return w ? `${w.start_s}–${w.end_s} s` : "";
    };
    out.push("## Phases, all operations (ms)", "");
    out.push(latencyTable(["Phase", "Window"], phaseAll, (s) => [s.phase!, window(s.phase!)]), "");
  }
  return out;
}

function resourceSection(run: RunResult): string[] {
  return ["## Resources and correctness", "", markdownTable(["", ""], resourceRows(run)), ""];
}

function environmentSection(run: RunResult): string[] {
  const e = run.environment;
  const d = run.dataset;
  const rows = [
    ["akibench", `${e.akibench_version} (commit ${e.git_commit ?? "unknown"})`],
    ["Runtime", `Deno ${e.deno_version}, V8 ${e.v8_version}, TypeScript ${e.typescript_version}`],
    ["Machine", `${e.os}/${e.arch}, ${e.cpu_model}, ${e.cpu_count} CPUs, ${e.memory_gb} GB`],
    [
      "Target",
      `${run.target.name} ${run.target.version}${run.target.url ? ` at ${run.target.url}` : ""}`,
    ],
    [
      "Dataset",
      `${d.name}: ${formatCount(d.size)} × ${d.dimension} (${d.metric}), ${
        formatCount(d.queries)
      } queries, k=${d.k}, ${d.hash}`,
    ],
    [
      "Scenario",
      `${run.scenario_id}, profile ${run.profile}, seed ${run.seed}, ${run.scenario_hash}`,
    ],
    ["Time", `${run.start_time} → ${run.end_time}`],
  ];
  return ["## Environment", "", markdownTable(["", ""], rows), ""];
}

/** The Markdown report of one run. */
export function renderMarkdown(result: RunResult): string {
  const out = [
    `# ${result.scenario} (\`${result.scenario_id}\`): ${statusLabel(result.status)}`,
    "",
  ];
  if (result.description) out.push(result.description, "");
  if (result.status_reason) out.push(`**Reason:** ${result.status_reason}`, "");
  out.push(...stepsSection(result));
  if (sentLoad(result)) {
    out.push(
      `Profile ${result.profile}, ${
        formatDuration(result.duration_seconds)
      }, target ${result.target.name}.`,
      "",
      ...criteriaSection(result),
      ...overviewSection(result),
      ...trafficSections(result),
      ...resourceSection(result),
      ...shardsSection(result),
    );
  }
  out.push(...environmentSection(result));
  return out.join("\n");
}

function suiteRow(run: RunResult): string[] {
  const results = run.success_criteria.results;
  const passed = results.filter((c) => c.passed).length;
  if (!sentLoad(run)) {
    return [run.scenario_id, statusLabel(run.status), "–", "–", "–", "–", "–", "–", "–"];
  }
  return [
    run.scenario_id,
    statusLabel(run.status),
    formatDuration(run.duration_seconds),
    formatCount(run.total_requests),
    formatNumber(run.throughput.average_qps, 1),
    formatMs(run.latency_ms.p95),
    formatMs(run.latency_ms.p99),
    formatRatioPercent(run.error_rate),
    `${passed}/${results.length}`,
  ];
}

/** The Markdown summary of a suite run: one row per scenario, then failures and skips. */
export function renderSuiteMarkdown(suite: SuiteResult, runs: RunResult[]): string {
  const pending = suite.pending ?? [];
  const out = [
    pending.length > 0
      ? `# akibench suite: ${runs.length} of ${runs.length + pending.length} scenarios finished`
      : `# akibench suite: ${statusLabel(suite.status)}`,
    "",
    `Profile ${suite.profile}, ${suite.start_time} → ${suite.end_time}, ${runs.length} scenarios.`,
    "",
    ...(pending.length > 0
      ? [`Not finished when this was written: ${pending.map((id) => `\`${id}\``).join(", ")}.`, ""]
      : []),
    markdownTable(
      [
        "Scenario",
        "Status",
        "Duration",
        "Requests",
        "Avg QPS",
        "p95 ms",
        "p99 ms",
        "Errors",
        "Criteria",
      ],
      runs.map(suiteRow),
      ["l", "l", R, R, R, R, R, R, R],
    ),
    "",
  ];
  const failed = runs.flatMap((run) =>
    run.success_criteria.results.filter((c) => !c.passed).map((c) =>
      `- \`${run.scenario_id}\`: \`${c.expression}\`: observed ${criterionObserved(c)}, threshold ${
        criterionThreshold(c)
      }${c.reason ? ` (${c.reason})` : ""}`
    )
  );
  if (failed.length > 0) out.push("## Failed criteria", "", ...failed, "");
  const notRun = runs.filter((r) =>
    r.status === "skipped" || r.status === "invalid" ||
    r.status === "interrupted"
  );
  if (notRun.length > 0) {
    out.push("## Skipped, invalid or interrupted", "");
    for (const r of notRun) {
      out.push(
        `- \`${r.scenario_id}\` ${statusLabel(r.status)}: ${r.status_reason ?? "no reason given"}`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}
