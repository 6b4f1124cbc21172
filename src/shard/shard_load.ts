import { parseCriterion } from "../criteria/parse.ts";
import { runShard, type Shard } from "../load/engine.ts";
import { buildOutcome, mergePhases } from "../load/load_outcome.ts";
import { encodeHistogram } from "../metrics/histogram.ts";
import { startSampler } from "../metrics/sampler.ts";
import { CLOCK_OFFSET_WARN_MS } from "../result/shard_summary.ts";
import { makeExecutor } from "../run/executor.ts";
import { startFaultSchedule } from "../run/fault_schedule.ts";
import { IntegrityLedger } from "../run/integrity.ts";
import { faultsEndS, recoveryTimeMs } from "../run/recovery_time.ts";
import { runGauges } from "../run/run_gauges.ts";
import { loadResult } from "../run/load_result.ts";
import { scenarioLoadSpec, scenarioPlan } from "../plan/scenario_load.ts";
import { WriteLog } from "../run/write_log.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { measureClockOffset } from "./clock_offset.ts";
import { deploymentOf, type RunManifest } from "./run_manifest.ts";
import { prepareRunPart } from "./run_part.ts";
import type { ShardFile } from "./shard_file.ts";
import { epochNow, WriteJournal } from "../run/write_journal.ts";

/** Without --start-at, a shard starts this long after it is ready (so it starts on a fresh turn). */
const START_LEAD_MS = 100;

export interface ShardLoadOptions {
  shard: Shard;
  /** The common wall-clock start of every shard's schedule (epoch ms); default: when ready. */
  startAtEpochMs?: number;
  signal?: AbortSignal;
  datasetDir?: string;
  resourceMetricsUrl?: string;
  onProgress?: (message: string) => void;
}

/**
 * Runs shard `shard.index` of `shard.count` of the scenario's load against the collections the
 * manifest names: the seeded plan walks every arrival (other shards' ones through its `skip`,
 * which builds nothing), so this shard's requests are exactly those a single run would send
 * for them, and it sends arrival i of each stream when i mod count = index, with each
 * stream's in-flight limit split over the shards. Measured searches and writes go to a journal
 * for the finish to score. The fault schedule, a target-wide action, runs in shard 0 only.
 */
export async function runShardLoad(
  scenario: Scenario,
  target: ScenarioTarget,
  manifest: RunManifest,
  options: ShardLoadOptions,
): Promise<ShardFile> {
  const progress = options.onProgress ?? (() => {});
  const part = await prepareRunPart(scenario, target, { ...options, manifest });
  const { features, dataset, collections } = part;
  const deployment = deploymentOf(manifest);
  const problems: string[] = [];
  const offset = target.url?.startsWith("http") ? await measureClockOffset(target.url) : null;
  if (offset && Math.abs(offset.offsetMs) > CLOCK_OFFSET_WARN_MS) {
    problems.push(
      `shard ${options.shard.index}/${options.shard.count}: clock ${
        Math.round(offset.offsetMs)
      } ms off the target's (± ${
        Math.round(offset.uncertaintyMs)
      } ms; bound ${CLOCK_OFFSET_WARN_MS} ms)`,
    );
  }
  const criteria = scenario.criteria.map(parseCriterion);
  const spec = scenarioLoadSpec(scenario);
  const plan = scenarioPlan(
    scenario,
    collections,
    dataset,
    criteria.some((c) => c.traffic?.tier !== undefined),
  );
  const journal = new WriteJournal(scenario.recall?.k ?? 10);
  const logs = collections.map(() => new WriteLog());
  let startEpochMs = options.startAtEpochMs ?? epochNow() + START_LEAD_MS;
  if (startEpochMs < epochNow()) {
    problems.push(
      `shard ${options.shard.index}/${options.shard.count}: started ${
        Math.round(epochNow() - startEpochMs)
      } ms after --start-at`,
    );
    startEpochMs = epochNow();
  }
  const executor = makeExecutor({
    target,
    collectionIds: deployment.collectionIds,
    apiKeys: deployment.apiKeys,
    logs,
    ledger: new IntegrityLedger(),
    recall: null,
    elapsedS: () => (epochNow() - startEpochMs) / 1000,
    journal,
  });
  const vectorMb = dataset.dim * 4 / (1024 * 1024);
  const sampler = startSampler({
    pid: target.pid,
    metricsUrl: target.metricsUrl,
    resourceMetricsUrl: options.resourceMetricsUrl,
    gauges: runGauges(scenario, criteria, features),
    writtenMb: () => logs.reduce((n, log) => n + log.inserted.length, 0) * vectorMb,
  });
  const duration = Math.ceil(scenario.durationS);
  if (options.startAtEpochMs !== undefined) {
    progress(`waiting for --start-at ${new Date(startEpochMs).toISOString()}`);
  }
  const startAtMs = startEpochMs - performance.timeOrigin;
  // Per second, the histograms of qualified operations (search@hot…), for a lossless merge.
  const byOperationUs: Record<string, string>[] = [];
  const faultsDue = scenario.server.faults.length > 0 && features.faults &&
    options.shard.index === 0;
  const faultsStart = faultsDue
    ? new Promise<void>((r) => setTimeout(r, Math.max(0, startAtMs - performance.now())))
    : null;
  const faults = faultsStart?.then(() => startFaultSchedule(target, scenario.server.faults));
  const { result: load, perSecond } = await runShard(spec, plan.next, executor.execute, {
    signal: options.signal,
    shard: options.shard,
    startAtMs,
    skip: plan.skip,
    onSecond: (p, _latency, _streams, byOperation) => {
      progress(`shard load ${p.t + 1}/${duration} s, ${p.achieved} req/s this shard`);
      byOperationUs[p.t] = Object.fromEntries(
        [...byOperation].filter(([, h]) => h.totalCount > 0)
          .map(([label, h]) => [label, encodeHistogram(h)]),
      );
    },
  });
  problems.push(...(faults ? await (await faults).stop() : []));
  const sampled = await sampler.stop();
  const checks: Record<string, number> = {};
  if (faults) {
    const recovery = recoveryTimeMs(sampled.targetMetrics, faultsEndS(scenario.server.faults));
    if (recovery !== null) checks.recovery_time = recovery;
  }
  const outcome = buildOutcome(
    [load],
    perSecond,
    mergePhases(spec.streams.map((s) => s.profile.phases)),
  );
  const run = loadResult(part.shell(), outcome, sampled);
  // One shard's criteria mean nothing: `merge` judges the merged result.
  run.status = outcome.interrupted ? "interrupted" : outcome.generator.valid ? "passed" : "invalid";
  const reasons = [
    ...(outcome.interrupted ? ["stopped by Ctrl-C"] : []),
    ...(outcome.generator.valid ? [] : [outcome.generator.reason ?? "generator saturated"]),
    ...problems,
  ];
  if (reasons.length > 0) run.status_reason = reasons.join("; ");
  return {
    kind: "akibench-shard",
    shard: options.shard,
    criteria: scenario.criteria,
    load_start_epoch_ms: startEpochMs,
    clock_offset_ms: offset && Math.round(offset.offsetMs * 10) / 10,
    checks,
    problems,
    by_operation_us: byOperationUs,
    load,
    journal: journal.data(),
    run,
  };
}
