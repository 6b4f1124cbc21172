import type { Criterion } from "../criteria/criterion.ts";
import { parseCriterion } from "../criteria/parse.ts";
import { readTargetRssMb, steadyRssMb, type TargetProcess } from "../metrics/target_rss.ts";
import { baseRowCount, planCollections } from "../plan/layout.ts";
import { collectEnvironment } from "../result/environment.ts";
import type { RunResult } from "../result/run_result.ts";
import { scenarioHash } from "../scenario/hash.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import type { DeployedRun } from "./deployed_run.ts";
import { driveLoad, type Driven, type DriveOptions } from "./drive_load.ts";
import { IntegrityLedger } from "./integrity.ts";
import { loadResult } from "./load_result.ts";
import { prepareRecall } from "./measured_recall.ts";
import { probeSustainedRate } from "./rate_probe.ts";
import { datasetBlock, resultShell } from "./result_shell.ts";
import { judgeRun } from "./run_status.ts";
import { loadScenarioDataset } from "./scenario_data.ts";
import {
  applyTieringPolicy,
  deploy,
  emptyDeployment,
  type LoadTimings,
  teardown,
} from "./setup.ts";
import { runSearchStage, searchStage } from "./search_stage.ts";
import { MIN_MEASURED_VECTORS, type VectorCost, vectorCost } from "./vector_cost.ts";
import { type Verified, verifyRun } from "./verify_run.ts";

export interface RunScenarioOptions extends DriveOptions {
  /** Keep the collections and tenants the run created. */
  keep?: boolean;
  /** Dataset cache folder (default `datasets/`). */
  datasetDir?: string;
  /** Progress text (setup, load, verification), for a TTY line. */
  onProgress?: (message: string) => void;
}

/**
 * Runs one scenario against a target and returns its RunResult (never throws for the target's
 * failures): capability check (missing → skipped), dataset, setup (tenants, collections, bulk
 * load, with the target's RSS before and after it for the cost of a stored vector), server
 * policy, the open-model load with sampler, fault schedule and recall under load, then the
 * tenancy probes, the integrity read-back, teardown, criteria and status.
 */
export async function runScenario(
  scenario: Scenario,
  target: ScenarioTarget,
  options: RunScenarioOptions = {},
): Promise<RunResult> {
  const progress = options.onProgress ?? (() => {});
  const [env, hash] = await Promise.all([collectEnvironment(), scenarioHash(scenario)]);
  const targetInfo = { name: target.name, version: "unknown", url: target.url ?? null };
  let features;
  try {
    features = await target.features();
    targetInfo.version = await target.version();
  } catch (err) {
    return resultShell(
      scenario,
      hash,
      env,
      targetInfo,
      "invalid",
      `target unreachable: ${(err as Error).message}`,
    );
  }
  const missing = scenario.requires.filter((c) => !features[c]);
  if (missing.length > 0) {
    return resultShell(
      scenario,
      hash,
      env,
      targetInfo,
      "skipped",
      `target lacks ${missing.join(", ")}`,
    );
  }

  progress("preparing the dataset");
  const datasetStarted = performance.now();
  const dataset = await loadScenarioDataset(scenario, {
    dir: options.datasetDir,
    onProgress: progress,
  });
  const datasetS = (performance.now() - datasetStarted) / 1000;
  const shell = () => ({
    ...resultShell(scenario, hash, env, targetInfo, "invalid"),
    dataset: datasetBlock(dataset),
  });
  const collections = planCollections(scenario);
  // Bulk-loaded documents beyond twice the read-back sample are never read back (the run's own
  // writes come first): twice, so that writes to kept ones still leave a full sample.
  const ledger = new IntegrityLedger(2 * (scenario.integrity?.sample ?? 0));
  const deployment = emptyDeployment();
  const runTag = crypto.randomUUID().slice(0, 8);
  const cleanup = async () => (options.keep ? [] : await teardown(target, deployment));
  // Reading a steady RSS takes a second or more: only worth it when the load is large enough,
  // or when it is the point (a sweep's step reports the RSS at rest).
  const loaded = baseRowCount(collections);
  const rss = (when: string) => {
    if (loaded < MIN_MEASURED_VECTORS && scenario.step === null) return null;
    progress(`measuring the target's memory ${when} the bulk load`);
    return steadyRssMb(() => readTargetRssMb(resourceSource(target, options)));
  };
  let rssBefore: number | null = null, rssAfter: number | null = null;
  let timings: LoadTimings;
  try {
    await applyTieringPolicy(target, scenario, features);
    rssBefore = await rss("before");
    progress("creating collections");
    timings = await deploy(
      target,
      scenario,
      dataset,
      collections,
      ledger,
      runTag,
      deployment,
      progress,
    );
    rssAfter = await rss("after");
  } catch (err) {
    const problems = await cleanup();
    return {
      ...shell(),
      status_reason: [`setup failed: ${(err as Error).message}`, ...problems].join("; "),
    };
  }
  if (options.signal?.aborted) {
    await cleanup();
    return { ...shell(), status: "interrupted", status_reason: "interrupted during setup" };
  }

  const setup = {
    dataset_s: datasetS,
    vectors: timings.vectors,
    load_s: timings.loadS,
    vectors_per_s: timings.loadS > 0 ? timings.vectors / timings.loadS : 0,
    index_s: timings.indexS,
    index_pending: timings.indexPending,
    rss_at_rest_mb: rssAfter,
  };
  const run = { scenario, target, features, dataset, collections, deployment, progress };
  const result = await measure(run, ledger, {
    ...options,
    shell: { ...shell(), setup },
    vectorCost: vectorCost(rssBefore, rssAfter, loaded, dataset.dim),
  });
  if (scenario.probe && result.status !== "interrupted" && !options.signal?.aborted) {
    result.probe = await probeSustainedRate(
      scenario,
      target,
      dataset,
      collections,
      deployment,
      { signal: options.signal, onProgress: progress },
    );
  }
  progress("tearing down");
  const problems = await cleanup();
  if (problems.length > 0) {
    result.status_reason = [result.status_reason, ...problems].filter(Boolean).join("; ");
  }
  return result;
}

/** Where the target's RSS is read: the named endpoint, else /proc/<pid> or its own /metrics. */
function resourceSource(target: ScenarioTarget, options: RunScenarioOptions): TargetProcess {
  return options.resourceMetricsUrl
    ? { metricsUrl: options.resourceMetricsUrl }
    : { pid: target.pid, metricsUrl: target.metricsUrl, metricsKey: target.metricsKey };
}

interface MeasureContext extends RunScenarioOptions {
  /** The run's result before its load: identity, dataset, setup. */
  shell: RunResult;
  /** What a stored vector costs the target, to tell data growth from other memory growth. */
  vectorCost: VectorCost;
}

/**
 * The measurement of a deployed scenario: drive its load (with the sampler, the fault schedule
 * and live figures beside it), verify what the target kept (recall, integrity, crashes,
 * tenancy), and judge the result against the scenario's criteria.
 */
async function measure(
  run: DeployedRun,
  ledger: IntegrityLedger,
  ctx: MeasureContext,
): Promise<RunResult> {
  const criteria = run.scenario.criteria.map(parseCriterion);
  const recall = await prepareRecall(run);
  // Before the tiers are read: the warm-up's searches count as accesses on a tiering target.
  const warmup = await warmUp(run, ctx);
  const shell = { ...ctx.shell, ...(warmup ? { warmup } : {}) };
  const inputs = { criteria, recall, ledger, shell, vectorCost: ctx.vectorCost };
  const driven = await driveLoad(run, inputs, ctx);
  const verified = await verifyRun(run, driven, recall, ledger);
  return judge(criteria, driven, verified, { ...ctx, shell });
}

/**
 * The scenario's warm-up: `warmup` seconds of searches only, each stream at its load's starting
 * rate, none of it recorded (like k6's warm-up stage kept out of the thresholds, or the serial
 * search pass VectorDBBench runs before it measures concurrent QPS). Without it the first second
 * of each step's fresh target set a short run's p95 (1k smoke step: 89 ms in its first second,
 * 6–9 ms in the next four).
 */
async function warmUp(run: DeployedRun, ctx: MeasureContext): Promise<RunResult["warmup"] | null> {
  const { scenario, target, dataset, collections, deployment } = run;
  if (scenario.warmupS <= 0 || ctx.signal?.aborted) return null;
  run.progress(`warming up: ${scenario.warmupS} s of searches, not recorded`);
  const stage = searchStage(scenario, { durationS: scenario.warmupS, seed: scenario.seed - 1 });
  const outcome = await runSearchStage(stage, target, dataset, collections, deployment, {
    signal: ctx.signal,
  });
  const search = outcome.operations.find((o) => o.operation === "search");
  return {
    duration_s: scenario.warmupS,
    requests: outcome.totals.total_requests,
    failed: outcome.totals.failed_requests + outcome.totals.dropped_requests,
    p95_ms: search && search.latency_ms.count > 0 ? search.latency_ms.p95 : null,
  };
}

/** Judge: the RunResult of the load and of its verification, its criteria and its status. */
function judge(
  criteria: Criterion[],
  driven: Driven,
  verified: Verified,
  ctx: MeasureContext,
): RunResult {
  const { memoryMb } = driven.sampled;
  const result: RunResult = {
    ...loadResult(ctx.shell, driven.outcome, driven.sampled),
    memory_mb: memoryMb && {
      ...memoryMb,
      bytes_per_vector: ctx.vectorCost.bytes,
      bytes_per_vector_source: ctx.vectorCost.source,
      bytes_per_vector_raw_reason: ctx.vectorCost.rawReason,
    },
    recall: verified.recall,
    integrity: verified.integrity,
    checks: verified.checks,
  };
  const problems = [
    ...(verified.stopped ? [verified.stopped] : []),
    ...driven.problems,
    ...verified.problems,
  ];
  return judgeRun(result, criteria, driven.outcome, problems, "stopped by Ctrl-C");
}
