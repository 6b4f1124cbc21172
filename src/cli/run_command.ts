import { join } from "node:path";
import { renderTerminalSummary } from "../report/terminal.ts";
import { startLiveReport } from "../report/live.ts";
import { writeRunReports, writeSuiteReports } from "../report/write_reports.ts";
import { exitCodeFor, runSuite } from "../run/run_suite.ts";
import { parseTargetSpecs, type TargetSpec, TargetSpecError } from "../run/target_specs.ts";
import { loadScenario } from "../scenario/read_scenario.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { ScenarioError } from "../scenario/scenario_error.ts";
import {
  checkTargetOptions,
  openTarget,
  TARGET_NAMES,
  TargetConfigError,
} from "../targets/registry.ts";
import type { Command } from "./command.ts";
import { runAcrossTargets } from "./run_across.ts";
import { startLiveFigures } from "./live_figures.ts";
import { ttyProgress } from "./tty_progress.ts";
import { intFlagInRange, parseFlags } from "./parse_flags.ts";
import { checkReportFolder } from "./report_folder.ts";
import { UsageError } from "../usage/usage_error.ts";
import { runShardedPart, type ShardedPart, type ShardedRunOptions } from "./sharded_run.ts";
import { parseShard, parseStartAt } from "../shard/shard_parse.ts";

const HELP = `akibench run: run scenarios against a target and write reports

Usage: akibench run <scenario.yaml|name>... [options]

A name (e.g. baseline) means the bundled scenarios/<name>.yaml.

Options:
  --target NAME[=URL][,NAME[=URL]…]
                   ${TARGET_NAMES.join(" | ")} (default reference: an embedded server per scenario);
                   several, comma-separated, run each scenario on each target in turn
  --url URL        server URL of a single target: required for akidb; for chroma (http://HOST:PORT)
                   and pgvector (postgres://USER:PASS@HOST:PORT/DB) a running server instead of
                   an embedded one
  --chroma-tenant T, --chroma-database D
                   Chroma at a URL: where the collections go (default default_tenant and
                   default_database)
  --api-key KEY    admin API key for the target's tenancy/tiering/fault routes
  --resource-metrics URL  read the target's memory and CPU from this Prometheus endpoint
                   instead (node_exporter node_*, process-exporter namedprocess_*, or
                   process_*): for a target on another machine whose /metrics lacks them
  --smoke          run each scenario at its smoke scale
  --full           run each scenario as written (default)
  --seed N         override the scenarios' seeds
  --repeat N       run each scenario N times (each on a fresh embedded server); the result is
                   the first run with all N summarized in "repeats", which 'compare' judges by
                   the spread between runs (default 1)
  --out DIR        report folder (default reports/<timestamp>); refused if it holds files
  --force          write into an --out folder that already holds files (overwrites them)
  --dataset-dir DIR  dataset cache folder (default datasets)
  --keep           keep the collections and tenants the run created
  --serve          serve a live report on a random 127.0.0.1 port while running
  --metrics-port P serve the live figures in Prometheus format on http://HOST:P/metrics while
                   running (0: a free port; the URL is printed); --metrics-host HOST (default
                   127.0.0.1; 0.0.0.0 for a Prometheus in a container)
  --quiet          no status lines (printed every 10 s when stdout is not a terminal)
  --workers N      spread each scenario's load over N worker threads (one event loop each, so
                   several cores send): the same seeded plan and result, each worker with its
                   own connections and 1/N of each in-flight limit. Default auto: 1 (the
                   reference) unless one event loop cannot hold the scenario's peak rate; then
                   what that needs, bounded by the cores (one left to a local target) and by
                   4 in flight per worker

Sharded runs (one scenario, a target at a --url; --out DIR|s3://BUCKET/PREFIX is the run's
store, shared by every part; then 'akibench merge STORE --out DIR' writes the reports):
  --setup-only     create the collections, bulk-load them, write the run manifest
  --shard I/N      send shard I (0-based) of N of every stream's arrivals of the seeded plan,
                   with 1/N of each in-flight limit, against the collections of the manifest
  --start-at TIME  when the shards' schedules begin (ISO time with zone, or epoch ms)
  --finish-only    score the recall of every shard's searches, read back the writes, tear down
                   (unless --keep)

Writes <scenario>.json/.md/.html as each scenario ends, and suite.json, summary.md, index.html
and junit.xml (refreshed after each scenario, so a stopped suite's index shows what finished). With several
targets each target's reports go into <out>/<target>/ (a repeated name becomes NAME-2), and
<out>/comparison.html and comparison.md set the targets side by side per scenario, e.g.
  akibench run baseline --smoke --target reference,akidb=http://127.0.0.1:8080
Exit codes: 0 all criteria passed (skipped scenarios are listed, not failed), 1 a criterion
failed, 2 usage or config error, 3 run invalid (generator saturated or target unreachable),
130 interrupted (Ctrl-C; a partial report is still written).`;

/** Parsed flags shared by `run` and `bench`. */
export interface RunFlags {
  target: string;
  url?: string;
  apiKey?: string;
  chromaTenant?: string;
  chromaDatabase?: string;
  /** Prometheus endpoint to read the target's RSS/CPU from (--resource-metrics). */
  resourceMetrics?: string;
  profile: "full" | "smoke";
  seed?: number;
  /** Runs of each scenario (--repeat N). */
  repeat: number;
  out?: string;
  /** Write into an --out folder that already holds files. */
  force: boolean;
  datasetDir?: string;
  keep: boolean;
  serve: boolean;
  /** Port of the live Prometheus /metrics endpoint (--metrics-port), and its address. */
  metricsPort?: number;
  metricsHost: string;
  /** No status lines on a non-terminal stdout (--quiet). */
  quiet: boolean;
  /** The part of a sharded run this process does (--setup-only, --shard, --finish-only). */
  sharded?: ShardedPart;
  /** Worker threads per scenario's load (--workers N|auto; default auto). */
  workers: number | "auto";
}

/** A folder name for this moment, e.g. reports/2026-11-28T07-55-01Z. */
export function defaultReportDir(now = new Date()): string {
  return `reports/${now.toISOString().replace(/\.\d+Z$/, "Z").replaceAll(":", "-")}`;
}

/**
 * Loads the scenarios, runs them (one fresh reference server per scenario, or the given URL),
 * prints each terminal summary, writes every report and returns the exit code. Ctrl-C stops
 * scheduling and still writes the partial reports.
 */
export async function runScenarios(refs: string[], flags: RunFlags): Promise<number> {
  let scenarios: Scenario[];
  try {
    scenarios = await Promise.all(refs.map((r) => loadScenario(r, flags.profile)));
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(err.message);
    throw err;
  }
  if (flags.seed !== undefined) scenarios = scenarios.map((s) => ({ ...s, seed: flags.seed! }));
  if (flags.sharded) checkShardedFlags(scenarios, flags);
  let specs: TargetSpec[];
  try {
    specs = parseTargetSpecs(flags.target, flags.url);
    for (const s of specs) {
      checkTargetOptions(s.name, {
        url: s.url,
        apiKey: flags.apiKey,
        chromaTenant: flags.chromaTenant,
        chromaDatabase: flags.chromaDatabase,
      });
    }
  } catch (err) {
    if (err instanceof TargetConfigError || err instanceof TargetSpecError) {
      throw new UsageError(err.message);
    }
    throw err;
  }
  if (flags.resourceMetrics !== undefined && specs.length > 1) {
    throw new UsageError(
      "--resource-metrics names one target's endpoint; give it with a single --target",
    );
  }
  const outDir = flags.out ?? defaultReportDir();
  if (!flags.sharded) await checkReportFolder(outDir, flags.force);
  const color = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
  const progress = ttyProgress("akibench");
  const watch = await startLiveFigures(flags, progress.show);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSigint);
  const live = flags.serve ? await startLiveReport({ port: 0, hostname: "127.0.0.1" }) : null;
  if (live) console.log(`live report: ${live.url}`);
  const open = async (spec: TargetSpec, scenario: Scenario) => {
    try {
      const needs = new Set(scenario.requires);
      return await openTarget(spec.name, {
        url: spec.url,
        apiKey: flags.apiKey,
        chromaTenant: flags.chromaTenant,
        chromaDatabase: flags.chromaDatabase,
        poolSize: scenario.concurrency + scenario.tenants.reduce((n, t) => n + t.concurrency, 0),
        extensions: {
          tenancy: needs.has("tenancy") || needs.has("audit"),
          tiering: needs.has("tiering"),
          faults: needs.has("faults"),
          resilienceTimeScale: scenario.server.resilienceTimeScale ?? undefined,
        },
      });
    } catch (err) {
      throw new Error(
        `${scenario.id}: cannot open target ${spec.label}: ${(err as Error).message}`,
      );
    }
  };
  try {
    if (flags.sharded) {
      return await runShardedFromFlags(scenarios[0], specs[0], flags, {
        signal: controller.signal,
        onProgress: progress.show,
        openTarget: () => open(specs[0], scenarios[0]),
      });
    }
    if (specs.length > 1) {
      return await runAcrossTargets(scenarios, specs, flags.profile, {
        signal: controller.signal,
        keep: flags.keep,
        datasetDir: flags.datasetDir,
        repeat: flags.repeat,
        workers: flags.workers,
        openTarget: open,
        outDir,
        color,
        onProgress: watch.onProgress,
        live: watch.metrics,
        onUpdate: live ? (r) => live.update(r) : undefined,
        onRun: (r) => {
          progress.done();
          live?.update(r);
        },
      });
    }
    const { suite, runs } = await runSuite(scenarios, flags.profile, {
      signal: controller.signal,
      keep: flags.keep,
      datasetDir: flags.datasetDir,
      resourceMetricsUrl: flags.resourceMetrics,
      repeat: flags.repeat,
      workers: flags.workers,
      workerTargetOptions: {
        chromaTenant: flags.chromaTenant,
        chromaDatabase: flags.chromaDatabase,
      },
      openTarget: (scenario) => open(specs[0], scenario),
      onProgress: watch.onProgress,
      live: watch.metrics,
      onUpdate: live ? (r) => live.update(r) : undefined,
      onRun: async (r, sofar) => {
        progress.done();
        live?.update(r);
        console.log(renderTerminalSummary(r, { color }));
        const [, , html] = await writeRunReports(outDir, r);
        // The index too, so a suite stopped midway can be opened at what finished.
        if (sofar.suite.pending) await writeSuiteReports(outDir, sofar.suite, sofar.runs);
        console.log(`Report: ${html}\n`);
      },
    });
    await writeSuiteReports(outDir, suite, runs);
    const summary = runs.map((r) =>
      `${r.scenario_id}: ${r.status}${r.status_reason ? ` (${r.status_reason})` : ""}`
    );
    console.log(`Suite: ${suite.status.toUpperCase()}\n  ${summary.join("\n  ")}`);
    console.log(`Open ${join(outDir, "index.html")} (all reports are in ${outDir})`);
    return exitCodeFor(suite.status);
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
    await live?.close();
    await watch.close();
  }
}

export function parseRunFlags(args: string[], allowPositionals: boolean) {
  const parsed = parseFlags(args, {
    target: { type: "string" },
    url: { type: "string" },
    "api-key": { type: "string" },
    "chroma-tenant": { type: "string" },
    "chroma-database": { type: "string" },
    "resource-metrics": { type: "string" },
    smoke: { type: "boolean" },
    full: { type: "boolean" },
    seed: { type: "string" },
    repeat: { type: "string" },
    out: { type: "string" },
    force: { type: "boolean" },
    "dataset-dir": { type: "string" },
    keep: { type: "boolean" },
    serve: { type: "boolean" },
    "metrics-port": { type: "string" },
    "metrics-host": { type: "string" },
    quiet: { type: "boolean" },
    "setup-only": { type: "boolean" },
    shard: { type: "string" },
    "start-at": { type: "string" },
    "finish-only": { type: "boolean" },
    workers: { type: "string" },
  }, allowPositionals);
  const v = parsed.values;
  if (v.smoke && v.full) throw new UsageError("--smoke and --full exclude each other");
  const resourceMetrics = v["resource-metrics"];
  if (resourceMetrics !== undefined && !/^https?:\/\/[^/]+/.test(resourceMetrics)) {
    throw new UsageError(
      `--resource-metrics: expected http://HOST:PORT/metrics, got "${resourceMetrics}"`,
    );
  }
  let seed: number | undefined;
  if (v.seed !== undefined) {
    seed = Number(v.seed);
    if (!Number.isSafeInteger(seed)) {
      throw new UsageError(`--seed: expected an integer, got "${v.seed}"`);
    }
  }
  const repeat = Number(v.repeat ?? "1");
  if (!Number.isSafeInteger(repeat) || repeat < 1 || repeat > 100) {
    throw new UsageError(`--repeat: expected a whole number from 1 to 100, got "${v.repeat}"`);
  }
  const metricsPort = v["metrics-port"] === undefined ? undefined : Number(v["metrics-port"]);
  if (
    metricsPort !== undefined &&
    !(Number.isInteger(metricsPort) && metricsPort >= 0 && metricsPort <= 65535)
  ) {
    throw new UsageError(
      `--metrics-port: expected a port from 0 to 65535, got "${v["metrics-port"]}"`,
    );
  }
  if (v["metrics-host"] !== undefined && metricsPort === undefined) {
    throw new UsageError("--metrics-host needs --metrics-port");
  }
  const flags: RunFlags = {
    target: v.target ?? "reference",
    url: v.url,
    apiKey: v["api-key"],
    chromaTenant: v["chroma-tenant"],
    chromaDatabase: v["chroma-database"],
    resourceMetrics,
    profile: v.smoke ? "smoke" : "full",
    seed,
    repeat,
    out: v.out,
    force: v.force ?? false,
    datasetDir: v["dataset-dir"],
    keep: v.keep ?? false,
    serve: v.serve ?? false,
    metricsPort,
    metricsHost: v["metrics-host"] ?? "127.0.0.1",
    quiet: v.quiet ?? false,
    sharded: shardedPartOf(v),
    workers: v.workers === undefined || v.workers === "auto"
      ? "auto"
      : intFlagInRange("workers", v.workers, 1, 64)!,
  };
  return { flags, positionals: parsed.positionals };
}

export const runCommand: Command = {
  name: "run",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { flags, positionals } = parseRunFlags(args, true);
    if (positionals.length === 0) {
      throw new UsageError("name at least one scenario (e.g. baseline)");
    }
    return await runScenarios(positionals, flags);
  },
};

/** The sharded-run part the flags ask for, if any (they exclude each other). */
function shardedPartOf(v: {
  "setup-only"?: boolean;
  shard?: string;
  "start-at"?: string;
  "finish-only"?: boolean;
}): ShardedPart | undefined {
  const given = [
    v["setup-only"] && "--setup-only",
    v.shard && "--shard",
    v["finish-only"] && "--finish-only",
  ]
    .filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(" and ")} exclude each other`);
  if (v["start-at"] !== undefined && v.shard === undefined) {
    throw new UsageError("--start-at applies to --shard I/N only");
  }
  if (v["setup-only"]) return { kind: "setup" };
  if (v["finish-only"]) return { kind: "finish" };
  if (v.shard === undefined) return undefined;
  const startAt = v["start-at"];
  return {
    kind: "shard",
    shard: parseShard(v.shard),
    startAtEpochMs: startAt === undefined ? undefined : parseStartAt(startAt),
  };
}

/** A sharded run's part needs one scenario, one addressed target and a shared --out. */
function checkShardedFlags(scenarios: Scenario[], flags: RunFlags): void {
  if (scenarios.length !== 1) throw new UsageError("a sharded run takes one scenario");
  if (scenarios[0].steps.length > 0) {
    throw new UsageError(`${scenarios[0].id} is a sweep (steps): a sharded run takes one scenario`);
  }
  if (flags.out === undefined) {
    throw new UsageError("a sharded run needs --out DIR|s3://BUCKET/PREFIX, shared by its parts");
  }
  if (flags.repeat > 1 || flags.serve || (flags.workers !== "auto" && flags.workers > 1)) {
    throw new UsageError("--repeat, --serve and --workers do not apply to a sharded run");
  }
}

async function runShardedFromFlags(
  scenario: Scenario,
  spec: TargetSpec,
  flags: RunFlags,
  run: Pick<ShardedRunOptions, "signal" | "onProgress" | "openTarget">,
): Promise<number> {
  if (spec.url === undefined) {
    throw new UsageError(
      "a sharded run needs a target every part reaches: --target akidb|chroma|pgvector --url URL",
    );
  }
  return await runShardedPart(scenario, {
    ...run,
    part: flags.sharded!,
    out: flags.out!,
    force: flags.force,
    keep: flags.keep,
    datasetDir: flags.datasetDir,
    resourceMetricsUrl: flags.resourceMetrics,
  });
}
