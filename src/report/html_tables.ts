import type { RunResult, TrafficStats } from "../result/run_result.ts";
import { FEW_SAMPLES } from "./chart_data.ts";
import { criterionObserved, criterionThreshold } from "./criterion_text.ts";
import { escapeMarkup as e } from "./markup_escape.ts";
import { statusMark } from "./status_mark.ts";
import {
  OVERVIEW_HEADERS,
  overviewCells,
  PERCENTILE_HEADERS,
  percentileCells,
  resourceRows,
} from "./run_cells.ts";
import { formatCount, formatDuration } from "./number_format.ts";
import {
  clockPastBound,
  clockWarning,
  SHARD_ALIGN,
  SHARD_HEADERS,
  shardCells,
} from "./shard_cells.ts";

/** A table cell: text (escaped) or { num } for a right-aligned number, or { html } pre-escaped. */
export type Cell = string | { num: string } | { html: string; className?: string };

/** A server-rendered HTML table in a horizontally scrollable wrapper. */
export function htmlTable(
  headers: Cell[],
  rows: Cell[][],
  options: { rowClass?: (i: number) => string; caption?: string; id?: string } = {},
): string {
  const td = (c: Cell, tag: "td" | "th") => {
    if (typeof c === "string") return `<${tag}>${e(c)}</${tag}>`;
    if ("num" in c) return `<${tag} class="num">${e(c.num)}</${tag}>`;
    return `<${tag}${c.className ? ` class="${c.className}"` : ""}>${c.html}</${tag}>`;
  };
  const body = rows.map((r, i) => {
    const cls = options.rowClass?.(i);
    return `<tr${cls ? ` class="${cls}"` : ""}>${r.map((c) => td(c, "td")).join("")}</tr>`;
  });
  return [
    `<div class="table-wrap"><table${options.id ? ` id="${options.id}"` : ""}>`,
    options.caption ? `<caption>${e(options.caption)}</caption>` : "",
    `<thead><tr>${headers.map((h) => td(h, "th")).join("")}</tr></thead>`,
    `<tbody>${body.join("")}</tbody></table></div>`,
  ].join("");
}

const n = (s: string) => ({ num: s });

export function criteriaTable(run: RunResult): string {
  const results = run.success_criteria.results;
  if (results.length === 0) return `<p class="note">No criteria were evaluated.</p>`;
  return htmlTable(
    ["Criterion", n("Observed"), n("Threshold"), "Result"],
    results.map((c) => [
      { html: `<code>${e(c.expression)}</code>` },
      n(criterionObserved(c)),
      n(criterionThreshold(c)),
      {
        html: c.passed
          ? `${statusMark("passed")}pass`
          : `${statusMark("failed")}fail${c.reason ? `: ${e(c.reason)}` : ""}`,
        className: "result",
      },
    ]),
    { rowClass: (i) => results[i].passed ? "pass" : "fail", id: "criteria" },
  );
}

export function overviewTable(run: RunResult): string {
  return htmlTable(
    OVERVIEW_HEADERS.map(n),
    [overviewCells(run).map(n)],
    { id: "overview" },
  );
}

/**
 * Latency and error table for traffic slices; `key` gives the leading label cells. Percentiles
 * of a slice with fewer than {@link FEW_SAMPLES} latencies are greyed and footnoted: their tail
 * is a handful of requests (p99 of 11 samples is the maximum).
 */
export function trafficTable(
  label: string[],
  stats: TrafficStats[],
  key: (s: TrafficStats) => string[],
) {
  const few = (s: TrafficStats) => s.latency_ms.count > 0 && s.latency_ms.count < FEW_SAMPLES;
  const table = htmlTable(
    [
      ...label,
      ...["Requests", "Errors", "Dropped", ...PERCENTILE_HEADERS].map(n),
    ],
    stats.map((s) => [
      ...key(s),
      ...[formatCount(s.requests), formatCount(s.failed), formatCount(s.dropped)].map(n),
      ...percentileCells(s).map((text): Cell =>
        few(s) ? { html: `${e(text)}<sup>*</sup>`, className: "num few" } : n(text)
      ),
    ]),
  );
  return stats.some(few)
    ? `${table}<p class="note"><sup>*</sup> From fewer than ${FEW_SAMPLES} samples: the tail percentiles are a few requests, not a distribution.</p>`
    : table;
}

/**
 * The shards of a sharded run (a merged run, or one shard's own), like the Markdown Shards
 * table; a clock past the bound and a generator that fell behind are marked in their row.
 */
export function shardsTable(run: RunResult): string {
  const shards = run.shards ?? [];
  const rows = shards.map((s) =>
    shardCells(s).map((text, i): Cell => {
      const flagged = (i === 2 && clockPastBound(s)) || (i === 7 && !s.generator.valid);
      if (flagged) return { html: e(text), className: "result" };
      return SHARD_ALIGN[i] === "r" ? n(text) : text;
    })
  );
  const headers = SHARD_HEADERS.map((h, i) => SHARD_ALIGN[i] === "r" ? n(h) : h);
  const bad = (i: number) => clockPastBound(shards[i]) || !shards[i].generator.valid;
  const table = htmlTable(headers, rows, { rowClass: (i) => bad(i) ? "fail" : "", id: "shards" });
  const warning = clockWarning(run);
  return warning ? `${table}<p class="note" id="clock-warning">${e(warning)}</p>` : table;
}

export function resourcesTable(run: RunResult): string {
  return htmlTable(["", ""], resourceRows(run));
}

export function environmentList(run: RunResult): string {
  const env = run.environment;
  const d = run.dataset;
  const items: [string, string][] = [
    ["akibench", `${env.akibench_version}, commit ${env.git_commit ?? "unknown"}`],
    [
      "Runtime",
      `Deno ${env.deno_version}, V8 ${env.v8_version}, TypeScript ${env.typescript_version}`,
    ],
    [
      "Machine",
      `${env.os}/${env.arch}, ${env.cpu_model}, ${env.cpu_count} CPUs, ${env.memory_gb} GB`,
    ],
    [
      "Target",
      `${run.target.name} ${run.target.version}${run.target.url ? ` at ${run.target.url}` : ""}`,
    ],
    [
      "Dataset",
      `${d.name}: ${formatCount(d.size)} × ${d.dimension} (${d.metric}), ${
        formatCount(d.queries)
      } queries, k=${d.k}`,
    ],
    ["Dataset hash", d.hash],
    ["Scenario", `${run.scenario_id}, profile ${run.profile}, seed ${run.seed}`],
    ["Scenario hash", run.scenario_hash],
    ["Time", `${run.start_time} → ${run.end_time} (${formatDuration(run.duration_seconds)})`],
  ];
  return `<dl class="env" id="environment">${
    items.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join("")
  }</dl>`;
}
