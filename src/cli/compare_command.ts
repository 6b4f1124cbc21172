import type { Command } from "./command.ts";
import { parseFlags } from "./parse_flags.ts";
import { UsageError } from "../usage/usage_error.ts";
import { checkOutputFile } from "./output_path.ts";
import { writeTextFileAtomic } from "../io/atomic_write.ts";
import { compareRuns } from "../report/compare.ts";
import { renderComparisonHtml, renderComparisonMarkdown } from "../report/compare_report.ts";
import { readRuns } from "../report/read_runs.ts";

const HELP = `akibench compare: compare two runs and fail on regressions

Usage: akibench compare BASE NEW [--tolerance 10%] [--format md|html] [--out FILE]

BASE and NEW are each a RunResult JSON, a report HTML, a suite.json or a suite directory.
Per scenario and operation it compares latency p50/p90/p95/p99/p99.9 (from the decoded HDR
histograms), throughput and error rate, and per scenario recall and memory growth.

Options:
  --tolerance T   allowed relative worsening, "10%" or "10" (default 10%)
  --format F      md (default) or html
  --out FILE      write the comparison to FILE instead of standard output

A metric regresses only when it is worse by more than the tolerance, AND the 95% interval of
the difference (new − base) lies wholly on the worse side, AND it passes a noise floor. The
intervals: latency percentiles by a seeded bootstrap of both runs' HDR histograms (the same two
runs always get the same interval), error rate and throughput by binomial and Poisson intervals;
each row reports its interval. Floors: latency 1 ms (and at least 10 samples beyond the
percentile in both runs), throughput 1 req/s, error rate 0.1 percentage point, recall 0.005,
memory growth 1 MB/min. When both sides were recorded with 'run --repeat N', latency,
throughput and memory growth are compared as means over the runs, with Welch's t interval from
the spread between the runs: load that drifts between runs then counts as noise too.
Exit codes: 0 no regression, 1 a metric regressed, 2 usage error.`;

function parseTolerance(text: string): number {
  const n = Number(text.trim().replace(/%$/, ""));
  if (!Number.isFinite(n) || n < 0 || n > 1000) {
    throw new UsageError(`--tolerance must be a percentage like 10% (0..1000), got '${text}'`);
  }
  return n / 100;
}

export const compareCommand: Command = {
  name: "compare",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseFlags(args, {
      tolerance: { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
    }, true);
    if (positionals.length !== 2) throw new UsageError("expected two inputs: BASE NEW");
    const format = values.format ?? "md";
    if (format !== "md" && format !== "html") {
      throw new UsageError(`--format must be md or html, got '${format}'`);
    }
    const tolerance = parseTolerance(values.tolerance ?? "10%");
    if (values.out) await checkOutputFile(values.out);
    const [baseArg, nextArg] = positionals;
    const [base, next] = [await readRuns(baseArg), await readRuns(nextArg)];
    const comparison = compareRuns(base.runs, next.runs, { tolerance });
    const labels = { base: baseArg, next: nextArg };
    const text = format === "md"
      ? renderComparisonMarkdown(comparison, labels)
      : renderComparisonHtml(comparison, labels, { base: base.runs, next: next.runs });
    if (values.out) await writeTextFileAtomic(values.out, text);
    else console.log(text);
    return comparison.regressions > 0 ? 1 : 0;
  },
};
