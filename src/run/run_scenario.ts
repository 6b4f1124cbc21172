import type { Dataset } from "../dataset/dataset.ts";
import { runLoad, type StreamTotals } from "../load/engine.ts";
import type { LiveMetrics } from "../metrics/live_metrics.ts";
import type { LoadSpec } from "../load/load_spec.ts";
import type { TierStart } from "../plan/request_plan_tiers.ts";
import { encodeAhead } from "../targets/vector_text.ts";
import { startSampler } from "../metrics/sampler.ts";
import { readTargetRssMb, steadyRssMb, type TargetProcess } from "../metrics/target_rss.ts";
import { collectEnvironment } from "../result/environment.ts";
import type { RunResult, SecondPoint } from "../result/run_result.ts";
import { parseCriterion } from "../criteria/parse.ts";
import { scenarioHash } from "../scenario/hash.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import type { Capabilities } from "../targets/target.ts";
import { makeExecutor } from "./executor.ts";
import { startFaultSchedule } from "./fault_schedule.ts";
import { IntegrityLedger, verifyIntegrity } from "./integrity.ts";
import { latencyLimits } from "./latency_limits.ts";
import { probeIsolation } from "./isolation.ts";
import { baseRowCount, planCollections } from "../plan/layout.ts";
import { loadScenarioDataset } from "./scenario_data.ts";
import { RecallSeries } from "./recall_series.ts";
import { faultsEndS, recoveryTimeMs } from "./recovery_time.ts";
import { RecallTruth } from "./recall_truth.ts";
import { LiveRecall } from "./live_recall.ts";
import { scenarioLoadSpec, scenarioPlan } from "../plan/scenario_load.ts";
import { chooseWorkers, isLoopbackUrl } from "./auto_workers.ts";
import { loadInWorkers } from "./load_in_workers.ts";
import { pooledLedger, scorePooledRecall } from "../shard/pooled_truth.ts";
import { datasetBlock, resultShell } from "./result_shell.ts";
import { judgeRun } from "./run_status.ts";
import {
  applyTieringPolicy,
  deploy,
  emptyDeployment,
  type LoadTimings,
  teardown,
} from "./setup.ts";
import { probeSustainedRate } from "./rate_probe.ts";
import { runSearchStage, searchStage } from "./search_stage.ts";
import { withMergedTiers } from "./tier_traffic.ts";
import { MIN_MEASURED_VECTORS, type VectorCost, vectorCost } from "./vector_cost.ts";
import { WriteLog } from "./write_log.ts";

export interface RunScenarioOptions {
  /** Ctrl-C: stop scheduling, finish what can be finished, mark the result interrupted. */
  signal?: AbortSignal;
  /** Keep the collections and tenants the run created. */
  keep?: boolean;
  /**
   * A Prometheus endpoint to read the target's RSS/CPU from instead of /proc and the target's
   * own /metrics (--resource-metrics).
   */
  resourceMetricsUrl?: string;
  /** Dataset cache folder (default `datasets/`). */
  datasetDir?: string;
  /** Progress text (setup, load, verification), for a TTY line. */
  onProgress?: (message: string) => void;
  /** Called about once a second during the load with the run so far (live report). */
  onUpdate?: (partial: RunResult) => void;
  /**
   * Worker threads to spread the load over (`run --workers N`; default 1, the reference path):
   * the same plan, each worker with its own client; needs a target with a URL. "auto" (the
   * CLI's default): one unless one event loop cannot hold the scenario's peak rate (chooseWorkers).
   */
  workers?: number | "auto";
  /** What a worker's client needs besides the target's URL (Chroma's tenant and database). */
  workerTargetOptions?: { chromaTenant?: string; chromaDatabase?: string };
  /** Live figures for /metrics and the status line, fed during the load. */
  live?: LiveMetrics;
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
  const ledger = new IntegrityLedger();
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
  const result = await measure(scenario, target, dataset, collections, ledger, deployment, {
    ...options,
    features,
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

/**
 * Target gauges every run keeps when the target has the feature, whether or not a criterion
 * names them, so that a report shows tier occupancy and transitions, and the object store's
 * circuit breaker and dead-letter queue, over time.
 */
export function stateGauges(features: Capabilities): string[] {
  const objectStore = features.tiering || features.faults;
  return [
    ...(features.tiering ? ["akidb_tier_collections", "akidb_tier_transitions_total"] : []),
    ...(objectStore ? ["akidb_circuit_breaker_state", "akidb_dlq_size"] : []),
  ];
}

interface MeasureContext extends RunScenarioOptions {
  features: Awaited<ReturnType<ScenarioTarget["features"]>>;
  shell: RunResult;
  /** What a stored vector costs the target, to tell data growth from other memory growth. */
  vectorCost: VectorCost;
}

async function measure(
  scenario: Scenario,
  target: ScenarioTarget,
  dataset: Dataset,
  collections: ReturnType<typeof planCollections>,
  ledger: IntegrityLedger,
  deployment: ReturnType<typeof emptyDeployment>,
  ctx: MeasureContext,
): Promise<RunResult> {
  const progress = ctx.onProgress ?? (() => {});
  const criteria = scenario.criteria.map(parseCriterion);
  const logs = collections.map(() => new WriteLog());
  if (scenario.recall) progress("computing the ground truth of each collection");
  // A target that returns at most N matches (AkiDB: 128) is judged on recall@N, not recall@k
  // against a truth it cannot return; the result records the k it was capped from.
  const recallK = scenario.recall
    ? Math.min(scenario.recall.k, ctx.features.max_matches ?? Infinity)
    : 0;
  const recall = scenario.recall
    ? {
      truth: await RecallTruth.prepare(dataset, collections, scenario.seed, recallK),
      series: new RecallSeries(recallK),
      k: recallK,
    }
    : null;
  // Before the tiers are read: the warm-up's searches count as accesses on a tiering target.
  const warmup = await warmUp(scenario, target, dataset, collections, deployment, ctx);
  const spec = scenarioLoadSpec(scenario);
  const labelTiers = criteria.some((c) => c.traffic?.tier !== undefined);
  const setupProblems: string[] = [];
  let initialTiers: TierStart[] | undefined;
  if (labelTiers && ctx.features.tiering && target.collectionTier) {
    // A policy of seconds demotes the collections while the ground truth is computed: the tier
    // model starts from where the target has them, not from "all hot".
    try {
      initialTiers = await Promise.all(
        deployment.collectionIds.map((id, i) =>
          target.collectionTier!(id, { apiKey: deployment.collectionKeys[i] })
        ),
      );
    } catch (err) {
      setupProblems.push(
        `tiers at the start unknown, the tier model starts all hot: ${(err as Error).message}`,
      );
    }
  }
  const plan = scenarioPlan(scenario, collections, dataset, labelTiers, initialTiers);
  // The measured searches' request bodies are formatted now, not on the send path.
  if (recall) encodeAhead(plan.queryVectors);
  let loadStart = performance.now();
  const executor = makeExecutor({
    target,
    collectionIds: deployment.collectionIds,
    apiKeys: deployment.apiKeys,
    logs,
    ledger,
    recall,
    elapsedS: () => (performance.now() - loadStart) / 1000,
  });
  const gauges = [
    ...new Set([
      ...scenario.metrics,
      ...stateGauges(ctx.features),
      ...criteria.flatMap((c) => (c.gauge ? [c.gauge.replace(/\{.*$/, "")] : [])),
    ]),
  ];
  const live = ctx.live?.beginRun({
    scenario: scenario.id,
    target: target.name,
    profile: scenario.profile,
    seed: scenario.seed,
    durationS: scenario.durationS,
    latencyLimits: latencyLimits(criteria),
  });
  const vectorMb = ctx.vectorCost.bytes / (1024 * 1024);
  const workers = ctx.workers === "auto"
    ? autoWorkers(spec, scenario.dataset.dim, target)
    : Math.max(1, ctx.workers ?? 1);
  const workerWrites = new Int32Array(new SharedArrayBuffer(4));
  const sampler = startSampler({
    pid: target.pid,
    metricsUrl: target.metricsUrl,
    metricsKey: target.metricsKey,
    resourceMetricsUrl: ctx.resourceMetricsUrl,
    gauges,
    writtenMb: () =>
      (logs.reduce((n, log) => n + log.inserted.length, 0) + workerWrites[0]) * vectorMb,
    onSample: live && ((point, kept) => {
      live.resources = point;
      live.targetGauges = kept;
    }),
  });
  const faults = scenario.server.faults.length > 0 && ctx.features.faults
    ? startFaultSchedule(target, scenario.server.faults)
    : null;
  // Recall scored during the load in a worker thread, for /metrics and the status line (from
  // the load workers' journals with --workers).
  const liveRecall = live && recall
    ? new LiveRecall(
      recall.truth,
      scenario.mix.delete > 0 || scenario.mix.update > 0,
      logs,
      executor.measured,
      (score) => {
        if (score.overall !== null) {
          live.recall = { k: score.k, value: score.overall, samples: score.samples };
        }
      },
      workers > 1 ? workers : 0,
    )
    : null;
  const seconds: SecondPoint[] = [];
  const onSecond = (p: SecondPoint, totals: StreamTotals[]) => {
    liveRecall?.flush();
    seconds.push(p);
    const failed = totals.reduce((n, s) => n + s.failed, 0);
    progress(
      `load ${p.t + 1}/${Math.ceil(scenario.durationS)} s, ${p.achieved} req/s, p95 ${
        p.p95 === null ? "–" : p.p95.toFixed(1)
      } ms, ${failed} errors`,
    );
    if (!ctx.onUpdate) return;
    const sum = (f: (q: SecondPoint) => number) => seconds.reduce((n, q) => n + f(q), 0);
    const errors = sum((q) => Object.values(q.errors).reduce((a, b) => a + b, 0));
    ctx.onUpdate({
      ...ctx.shell,
      total_requests: sum((q) => q.offered),
      successful_requests: sum((q) => q.successful),
      failed_requests: errors,
      dropped_requests: sum((q) => q.dropped),
      // RunStatus has no "running": a partial result reads as interrupted until it is final.
      status: "interrupted",
      status_reason: `in progress (${p.t + 1}/${Math.ceil(scenario.durationS)} s)`,
      duration_seconds: p.t + 1,
      series: { ...ctx.shell.series, per_second: [...seconds] },
    });
  };
  loadStart = performance.now();
  const { outcome, journals } = workers > 1
    ? await loadInWorkers(scenario, target, dataset, collections, deployment, {
      workers,
      labelTiers,
      initialTiers,
      targetOptions: ctx.workerTargetOptions ?? {},
      written: workerWrites.buffer as SharedArrayBuffer,
      signal: ctx.signal,
      onSecond,
      live,
      onJournal: liveRecall ? (worker, delta) => liveRecall.journal(worker, delta) : undefined,
    })
    : {
      outcome: await runLoad(spec, plan.next, executor.execute, {
        signal: ctx.signal,
        onSecond,
        observer: live,
      }),
      journals: null,
    };
  live?.end();
  liveRecall?.close();
  const faultProblems = faults ? await faults.stop() : [];
  const sampled = await sampler.stop();
  if (recall) progress("scoring the recall of the measured searches");
  if (journals && recall) {
    scorePooledRecall(journals, collections.length, Date.parse(outcome.startTime), recall);
  } else executor.scoreRecall();
  // Workers' writes reached the target through their own clients: their journals say which.
  const written = journals ? pooledLedger(journals, collections, dataset, scenario.seed) : ledger;
  const recallResult = recall
    ? {
      ...recall.series.result(),
      ...(recallK < scenario.recall!.k ? { capped_from: scenario.recall!.k } : {}),
    }
    : null;
  if (live && recallResult && recallResult.overall !== null) {
    live.recall = { k: recallResult.k, value: recallResult.overall, samples: recallResult.samples };
  }

  const alive = await target.healthy();
  const checks: Record<string, number> = { crashes: alive ? 0 : 1 };
  let integrity: RunResult["integrity"] = null;
  if (scenario.integrity && alive && !outcome.interrupted) {
    const sample = written.sample(scenario.integrity.sample);
    progress(`verifying ${sample.length} documents`);
    integrity = await verifyIntegrity(sample, {
      target,
      collectionIds: deployment.collectionIds,
      apiKeys: deployment.collectionKeys,
      metric: dataset.metric,
    });
  }
  const problems = [...setupProblems, ...faultProblems];
  if (alive && scenario.tenants.length > 0 && ctx.features.tenancy) {
    try {
      const isolation = await probeIsolation(
        target,
        collections,
        deployment,
        deployment.tenantIds,
        dataset.dim,
        ctx.features,
      );
      Object.assign(checks, isolation.checks);
      if (isolation.findings.length > 0) {
        problems.push(`tenancy probes: ${isolation.findings.join("; ")}`);
      }
    } catch (err) {
      problems.push(`tenancy probes: ${(err as Error).message}`);
    }
  }
  if (faults) {
    const recovery = recoveryTimeMs(sampled.targetMetrics, faultsEndS(scenario.server.faults));
    if (recovery !== null) checks.recovery_time = recovery;
  }
  const result: RunResult = {
    ...ctx.shell,
    ...(warmup ? { warmup } : {}),
    start_time: outcome.startTime,
    end_time: outcome.endTime,
    duration_seconds: outcome.durationSeconds,
    ...outcome.totals,
    memory_mb: sampled.memoryMb && {
      ...sampled.memoryMb,
      bytes_per_vector: ctx.vectorCost.bytes,
      bytes_per_vector_source: ctx.vectorCost.source,
      bytes_per_vector_raw_reason: ctx.vectorCost.rawReason,
    },
    cpu_percent: sampled.cpuPercent,
    operations: withMergedTiers(outcome.operations),
    tenants: outcome.tenants,
    phases: outcome.phases,
    phase_windows: outcome.phaseWindows,
    recall: recallResult,
    integrity,
    checks,
    generator: outcome.generator,
    series: {
      per_second: outcome.perSecond,
      resources: sampled.resources,
      target_metrics: sampled.targetMetrics,
    },
  };
  if (!alive) {
    const exit = await target.exitReport?.();
    problems.unshift(`the target stopped answering its health check${exit ? ` (${exit})` : ""}`);
  }
  return judgeRun(result, criteria, outcome, problems, "stopped by Ctrl-C");
}

/**
 * The scenario's warm-up: `warmup` seconds of searches only, each stream at its load's starting
 * rate, none of it recorded (like k6's warm-up stage kept out of the thresholds, or the serial
 * search pass VectorDBBench runs before it measures concurrent QPS). Without it the first second
 * of each step's fresh target set a short run's p95 (1k smoke step: 89 ms in its first second,
 * 6–9 ms in the next four).
 */
async function warmUp(
  scenario: Scenario,
  target: ScenarioTarget,
  dataset: Dataset,
  collections: ReturnType<typeof planCollections>,
  deployment: ReturnType<typeof emptyDeployment>,
  ctx: MeasureContext,
): Promise<RunResult["warmup"] | null> {
  if (scenario.warmupS <= 0 || ctx.signal?.aborted) return null;
  ctx.onProgress?.(`warming up: ${scenario.warmupS} s of searches, not recorded`);
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

/** `--workers auto` for this run; says so when it is more than the reference single loop. */
function autoWorkers(spec: LoadSpec, dim: number, target: ScenarioTarget): number {
  const choice = chooseWorkers(spec, dim, {
    cores: navigator.hardwareConcurrency,
    localTarget: target.pid !== undefined || isLoopbackUrl(target.url),
    hasUrl: target.url !== undefined,
  });
  if (choice.workers > 1) console.log(`--workers auto: ${choice.workers} (${choice.reason})`);
  return choice.workers;
}
