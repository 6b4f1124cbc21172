import { join } from "node:path";
import type { RunResult } from "../result/run_result.ts";
import { renderAcrossTerminal } from "../report/across_targets_terminal.ts";
import { renderTerminalSummary } from "../report/terminal.ts";
import { writeAcrossManifest, writeAcrossReports } from "../report/write_across.ts";
import { writeReports, writeRunReports, writeSuiteReports } from "../report/write_reports.ts";
import { exitCodeFor, suiteOf } from "../run/run_suite.ts";
import { runTargets, type TargetsOptions } from "../run/run_targets.ts";
import type { TargetSpec } from "../run/target_specs.ts";
import type { Scenario } from "../scenario/scenario.ts";

export interface AcrossRunOptions extends Omit<TargetsOptions, "onRun"> {
  outDir: string;
  color: boolean;
  /** Called before each run's summary is printed (clears the progress line, updates a live view). */
  onRun?: (result: RunResult) => void;
}

/**
 * Runs the scenarios on several targets, writes each target's reports into <out>/<label>/ (the
 * single-target layout), <out>/targets.json naming them in order, and the comparison into
 * <out>/comparison.html and .md (also appended to GITHUB_STEP_SUMMARY when set), prints the
 * compact comparison and returns the worst exit code over all runs.
 */
export async function runAcrossTargets(
  scenarios: Scenario[],
  specs: TargetSpec[],
  profile: string,
  options: AcrossRunOptions,
): Promise<number> {
  const start = new Date().toISOString();
  const finished = new Map<string, RunResult[]>();
  const results = await runTargets(scenarios, specs, profile, {
    ...options,
    onRun: async (spec, r) => {
      options.onRun?.(r);
      console.log(`--- target ${spec.label} ---`);
      console.log(renderTerminalSummary(r, { color: options.color }));
      // Each target's reports and index as its runs end, so a run stopped midway keeps them.
      const runs = [...finished.get(spec.label) ?? [], r];
      finished.set(spec.label, runs);
      const dir = join(options.outDir, spec.label);
      await writeRunReports(dir, r);
      const suite = suiteOf(runs, start, profile, false);
      suite.pending = scenarios.slice(runs.length).map((s) => s.id);
      if (suite.pending.length > 0) await writeSuiteReports(dir, suite, runs);
    },
  });
  let files = 0;
  for (const t of results) {
    files += (await writeReports(join(options.outDir, t.spec.label), t.suite, t.runs)).length;
  }
  const inputs = results.map((t) => ({
    label: t.spec.label,
    path: join(options.outDir, t.spec.label),
    runs: t.runs,
    status: t.suite.status,
    reportDir: join(options.outDir, t.spec.label),
  }));
  await writeAcrossManifest(options.outDir, inputs);
  const { across, written } = await writeAcrossReports(options.outDir, inputs);
  const stepSummary = Deno.env.get("GITHUB_STEP_SUMMARY");
  if (stepSummary) {
    await Deno.writeTextFile(stepSummary, await Deno.readTextFile(written[1]) + "\n", {
      append: true,
    });
  }
  console.log(`\nAcross targets: ${across.status.toUpperCase()}\n`);
  console.log(renderAcrossTerminal(across));
  console.log(
    `\nReports: ${options.outDir}/{${specs.map((s) => s.label).join(",")}}/ (${files} files)`,
  );
  console.log(`Comparison: open ${written[0]} (table: ${written[1]})`);
  return exitCodeFor(across.status);
}
