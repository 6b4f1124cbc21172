import type { RunResult, RunStatus, SuiteResult } from "../result/run_result.ts";
import { type ChartData, chartData, naturalOrder } from "./chart_data.ts";
import { CHARTS_SCRIPT } from "./charts_script.ts";
import { criterionObserved, criterionThreshold } from "./criterion_text.ts";
import {
  criteriaTable,
  environmentList,
  htmlTable,
  overviewTable,
  resourcesTable,
  shardsTable,
  trafficTable,
} from "./html_tables.ts";
import { htmlPage } from "./html_page.ts";
import { escapeMarkup as e } from "./markup_escape.ts";
import {
  formatCount,
  formatDuration,
  formatMs,
  formatNumber,
  formatRatioPercent,
} from "./number_format.ts";
import { sentLoad } from "./sent_load.ts";
import { statusWord } from "./status_label.ts";
import { statusMark } from "./status_mark.ts";
import { probeLimits, SWEEP_HEADERS, SWEEP_NOTE, sweepCells, sweepRows } from "./sweep_rows.ts";

/** Element ids of the JSON embedded in a run report. */
export const RUN_RESULT_ELEMENT_ID = "run-result";
export const SUITE_RESULT_ELEMENT_ID = "suite-result";

export function statusBadge(status: RunStatus): string {
  return `<span class="status ${status}">${statusMark(status)}${e(statusWord(status))}</span>`;
}

/**
 * A captioned chart box holding one canvas (drawn by the page's chart script), with an optional
 * note under it (how to read it).
 */
export function figure(id: string, caption: string, note?: string): string {
  return `<figure class="chart"><figcaption>${
    e(caption)
  }</figcaption><div class="box"><canvas id="${id}" role="img" aria-label="${
    e(caption)
  }"></canvas></div>${note ? `<p class="note">${e(note)}</p>` : ""}</figure>`;
}

function chartFigures(data: ChartData, hasSeries: boolean): string {
  const f: string[] = [];
  const bucket = data.bucketSeconds > 1 ? ` (max per ${data.bucketSeconds}-s bucket)` : "";
  if (hasSeries) {
    f.push(figure("chart-latency", `Latency p50 / p95 / p99 per second${bucket}, phases shaded`));
    f.push(figure("chart-rate", "Offered vs achieved rate"));
  }
  if (Object.keys(data.errors).length > 0) {
    f.push(figure("chart-errors", "Errors per second by class"));
  }
  if (data.spectrum.length > 0) {
    f.push(figure("chart-spectrum", "Latency percentile spectrum (HDR histograms, whole run)"));
  }
  if (data.operations.length > 0) f.push(figure("chart-operations", "Latency by operation"));
  if (data.tenants.length > 0) f.push(figure("chart-tenants", "Latency by tenant"));
  if (data.memory) f.push(figure("chart-memory", "Target memory with growth slope"));
  if (data.cpu) f.push(figure("chart-cpu", "CPU"));
  if (data.recall.length > 0) f.push(figure("chart-recall", "Recall over time"));
  if (Object.keys(data.tiers).length > 0) {
    f.push(figure("chart-tiers", "Storage tier distribution"));
  }
  if (Object.keys(data.tierRates).length > 0) {
    f.push(figure("chart-tier-moves", "Tier transitions per second"));
  }
  if (data.tierLatency.length > 0) {
    f.push(figure(
      "chart-tier-latency",
      `Search latency by storage tier, per second${bucket}, with tier transitions`,
      "p50 solid, p95 dashed. A search counts under the tier its collection is in by " +
        "akibench's model of the scenario's tiering policy when the search is sent: the run's " +
        "own accesses replayed from the tiers the target reported as the load began; the " +
        "server may move a collection up to one policy check later. Marks: the target's tier-transition counters (its /metrics, sampled " +
        "every second) rose in the second before; coloured by the tier moved into (dashed " +
        "legend: a promotion), one row per kind of move.",
    ));
  }
  if (data.breaker.length > 0) f.push(figure("chart-breaker", "Circuit-breaker state"));
  Object.keys(data.otherTargetMetrics).forEach((name, i) =>
    f.push(figure(`chart-metric-${i}`, name))
  );
  const zero = data.zeroThroughout.length === 0
    ? ""
    : `<p class="note">Not drawn, 0 for the whole run: ${
      data.zeroThroughout.map((n) => `<code>${e(n)}</code>`).join(", ")
    }.</p>`;
  return f.length === 0
    ? zero
    : `<h2>Charts</h2><noscript><p class="note">Charts need JavaScript; the tables hold every number.</p></noscript><div class="charts">${
      f.join("")
    }</div>${zero}`;
}

/** A sweep's table, a row per step, and its charts against the dataset size; "" otherwise. */
function stepsSection(run: RunResult, data: ChartData): string {
  if (!run.steps || !data.sweep) return "";
  const limits = probeLimits(run);
  const rows = sweepRows(run).map((r, i) =>
    sweepCells(r, limits[i]).map((
      c,
      j,
    ) => (j === 2 ? { html: statusBadge(r.status) } : j < 2 ? c : { num: c }))
  );
  const log = " (log size axis)";
  return [
    "<h2>Steps</h2>",
    htmlTable(SWEEP_HEADERS, rows, { id: "steps" }),
    `<p class="note">${e(SWEEP_NOTE)}</p>`,
    '<div class="charts">',
    figure("chart-sweep-latency", `Search latency p50 / p95 / p99 vs size${log}`),
    figure("chart-sweep-memory", `Target RSS at rest and bytes per vector vs size${log}`),
    figure("chart-sweep-load", `Bulk-load rate and index catch-up vs size${log}`),
    figure("chart-sweep-recall", `Recall@${data.sweep.k} vs size${log}`),
    figure(
      "chart-sweep-qps",
      `Max sustained search QPS (p95 under the step's limit) vs size${log}`,
    ),
    "</div>",
  ].join("");
}

/** The body (inside <main>) of a run report; the live view swaps it in place. */
export function renderRunMain(run: RunResult, data: ChartData): string {
  const out = [`<p class="lead">${e(run.description)}</p>`];
  if (run.status_reason) out.push(`<p><strong>Reason:</strong> ${e(run.status_reason)}</p>`);
  out.push(stepsSection(run, data));
  if (sentLoad(run)) {
    out.push(
      `<p>Profile ${e(run.profile)}, ${formatDuration(run.duration_seconds)}, target ${
        e(run.target.name)
      }, seed ${run.seed}.</p>`,
      "<h2>Success criteria</h2>",
      criteriaTable(run),
      "<h2>Summary</h2>",
      overviewTable(run),
      chartFigures(data, run.series.per_second.length > 0),
    );
    if (run.operations.length > 0) {
      out.push(
        "<h2>Latency by operation (ms)</h2>",
        trafficTable(["Operation"], run.operations, (s) => [s.operation]),
      );
    }
    if (run.tenants.length > 0) {
      // Stable sort: each tenant's operations keep their order.
      const tenants = [...run.tenants].sort((a, b) => naturalOrder(a.tenant!, b.tenant!));
      out.push(
        "<h2>Tenants (ms)</h2>",
        trafficTable(["Tenant", "Operation"], tenants, (s) => [s.tenant!, s.operation]),
      );
    }
    const phases = run.phases.filter((p) => p.operation === "all");
    if (phases.length > 0) {
      const window = (name: string) => {
        const w = run.phase_windows.find((p) => p.name === name);
        return w ? `${w.start_s}–${w.end_s} s` : "";
      };
      out.push(
        "<h2>Phases (ms)</h2>",
        trafficTable(["Phase", "Window"], phases, (s) => [s.phase!, window(s.phase!)]),
      );
    }
    out.push("<h2>Resources and correctness</h2>", resourcesTable(run));
    if (run.shards && run.shards.length > 0) out.push("<h2>Shards</h2>", shardsTable(run));
  }
  out.push("<h2>Environment</h2>", environmentList(run));
  return out.join("\n");
}

/** The header of a run report (title and status). */
export function renderRunHeader(run: RunResult): string {
  return `<h1>${e(run.scenario)} <code>${e(run.scenario_id)}</code> ${
    statusBadge(run.status)
  }</h1>`;
}

/** A self-contained HTML report of one run, with the RunResult embedded. */
export function renderHtml(result: RunResult): string {
  return renderRunPage(result, {});
}

/** The run report page; the live view adds its event-stream script and CSP entry. */
export function renderRunPage(
  result: RunResult,
  extra: { scripts?: string[]; extraCsp?: string },
): string {
  const data = chartData(result);
  return htmlPage({
    title: `${result.scenario}: ${statusWord(result.status)}`,
    body: `<header id="report-header">${renderRunHeader(result)}</header><main id="report">${
      renderRunMain(result, data)
    }</main><footer>akibench ${
      e(result.environment.akibench_version)
    }: generated from the embedded RunResult (#${RUN_RESULT_ELEMENT_ID}).</footer>`,
    json: { [RUN_RESULT_ELEMENT_ID]: result, "chart-data": data },
    scripts: [CHARTS_SCRIPT, ...(extra.scripts ?? [])],
    extraCsp: extra.extraCsp,
  });
}

/** The index of a suite run: every scenario with status, key numbers and a link to its report. */
export function renderSuiteHtml(suite: SuiteResult, runs: RunResult[]): string {
  const rows = runs.map((r) => {
    const results = r.success_criteria.results;
    const link = {
      html: `<a href="${e(encodeURIComponent(r.scenario_id))}.html">${e(r.scenario)}</a> <code>${
        e(r.scenario_id)
      }</code>`,
    };
    if (!sentLoad(r)) {
      return [link, { html: statusBadge(r.status) }, r.status_reason ?? "", "", "", "", "", ""];
    }
    return [
      link,
      { html: statusBadge(r.status) },
      formatDuration(r.duration_seconds),
      { num: formatCount(r.total_requests) },
      { num: formatNumber(r.throughput.average_qps, 1) },
      { num: formatMs(r.latency_ms.p95) },
      { num: formatRatioPercent(r.error_rate) },
      { num: `${results.filter((c) => c.passed).length}/${results.length}` },
    ];
  });
  const failed = runs.flatMap((r) =>
    r.success_criteria.results.filter((c) => !c.passed).map((c) => [
      { html: `<a href="${e(encodeURIComponent(r.scenario_id))}.html">${e(r.scenario_id)}</a>` },
      { html: `<code>${e(c.expression)}</code>` },
      { num: criterionObserved(c) },
      { num: criterionThreshold(c) },
      c.reason ?? "",
    ])
  );
  const notRun = runs.filter((r) => ["skipped", "invalid", "interrupted"].includes(r.status));
  const pending = suite.pending ?? [];
  // A suite still running has no status yet: its runs so far have theirs.
  const heading = pending.length > 0
    ? `akibench suite: ${runs.length} of ${runs.length + pending.length} scenarios finished`
    : `akibench suite ${statusBadge(suite.status)}`;
  const body = [
    `<header><h1>${heading}</h1><p class="lead">Profile ${e(suite.profile)}, ${
      e(suite.start_time)
    } → ${e(suite.end_time)}, ${runs.length} scenarios.</p></header><main id="report">`,
    ...(pending.length > 0
      ? [
        `<p class="note" id="pending">Written when the last of these ended; not finished then: ${
          pending.map((id) => `<code>${e(id)}</code>`).join(", ")
        }. If the suite was stopped, they did not run; otherwise reload when it ends.</p>`,
      ]
      : []),
    "<h2>Scenarios</h2>",
    htmlTable(
      ["Scenario", "Status", "Duration", "Requests", "Avg QPS", "p95 ms", "Error rate", "Criteria"],
      rows,
      { id: "scenarios" },
    ),
  ];
  if (failed.length > 0) {
    body.push(
      "<h2>Failed criteria</h2>",
      htmlTable(["Scenario", "Criterion", "Observed", "Threshold", "Reason"], failed, {
        id: "criteria",
      }),
    );
  }
  if (notRun.length > 0) {
    body.push(
      "<h2>Skipped, invalid or interrupted</h2><ul>",
      ...notRun.map((r) =>
        `<li><code>${e(r.scenario_id)}</code> ${statusBadge(r.status)} ${
          e(r.status_reason ?? "no reason given")
        }</li>`
      ),
      "</ul>",
    );
  }
  body.push(
    `<p class="note">Raw data: <a href="suite.json">suite.json</a>, <a href="summary.md">summary.md</a>, <a href="junit.xml">junit.xml</a>.</p></main>`,
  );
  return htmlPage({
    title: pending.length > 0
      ? `akibench suite: in progress`
      : `akibench suite: ${statusWord(suite.status)}`,
    body: body.join("\n"),
    json: { [SUITE_RESULT_ELEMENT_ID]: suite },
  });
}
