import type { Dataset } from "../dataset/dataset.ts";
import { runLoad } from "../load/engine.ts";
import type { PlanCollection } from "../plan/request_plan.ts";
import type { RateProbeResult } from "../result/run_result.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { makeExecutor } from "./executor.ts";
import { IntegrityLedger } from "./integrity.ts";
import { scenarioLoadSpec, scenarioPlan } from "../plan/scenario_load.ts";
import type { Deployment } from "./setup.ts";
import { WriteLog } from "./write_log.ts";

/** Share of a stage's requests that may fail or be dropped for it to hold. */
const MAX_LOST_SHARE = 0.01;

/**
 * The scenario's stepped-rate probe: open-model searches (the scenario's arrivals, in-flight
 * limit and timeout, latency from the intended send time) at a constant rate per stage, the
 * rate growing by the probe's factor, until a stage's search p95 exceeds the limit, more than
 * 1 % of its requests fail or are dropped, the generator falls behind, or the next rate passes
 * `max_qps`. The highest stage that held is the sustained rate. An open model rather than a
 * closed loop: a closed loop slows its senders when the target slows and so never sees the
 * queueing that sets the p95 at a given arrival rate.
 */
export async function probeSustainedRate(
  scenario: Scenario,
  target: ScenarioTarget,
  dataset: Dataset,
  collections: PlanCollection[],
  deployment: Deployment,
  signal?: AbortSignal,
  onProgress?: (message: string) => void,
): Promise<RateProbeResult> {
  const spec = scenario.probe!;
  const stages: RateProbeResult["stages"] = [];
  let held: number | null = null;
  let stoppedBy = `reached max_qps ${spec.maxQps}`;
  let limitedBy: RateProbeResult["limited_by"] = "max_qps";
  for (let qps = spec.startQps; qps <= spec.maxQps; qps *= spec.growth) {
    if (signal?.aborted) {
      [stoppedBy, limitedBy] = ["interrupted", "interrupted"];
      break;
    }
    onProgress?.(`probing the sustained search rate: ${Math.round(qps)} req/s`);
    const stage: Scenario = {
      ...scenario,
      load: { type: "constant", qps },
      tenants: [],
      durationS: spec.stageS,
      mix: { search: 1, insert: 0, update: 0, delete: 0, metadata: 0 },
      recall: null,
      seed: scenario.seed + stages.length + 1,
    };
    const plan = scenarioPlan(stage, collections, dataset, false);
    const executor = makeExecutor({
      target,
      collectionIds: deployment.collectionIds,
      apiKeys: deployment.apiKeys,
      logs: collections.map(() => new WriteLog()),
      ledger: new IntegrityLedger(),
      recall: null,
      elapsedS: () => 0,
    });
    const outcome = await runLoad(scenarioLoadSpec(stage), plan.next, executor.execute, {
      signal,
    });
    const search = outcome.operations.find((o) => o.operation === "search");
    const requests = outcome.totals.total_requests;
    const lost = outcome.totals.failed_requests + outcome.totals.dropped_requests;
    const p95 = search && search.latency_ms.count > 0 ? search.latency_ms.p95 : null;
    const why = !outcome.generator.valid
      ? `the load generator fell behind at ${round(qps)} req/s (${outcome.generator.reason})`
      : p95 === null
      ? `no search completed at ${round(qps)} req/s`
      : p95 > spec.p95LimitMs
      ? `p95 ${p95.toFixed(1)} ms > ${spec.p95LimitMs} ms at ${round(qps)} req/s`
      : lost > MAX_LOST_SHARE * requests
      ? `${lost} of ${requests} searches failed or dropped at ${round(qps)} req/s`
      : null;
    stages.push({
      offered_qps: round(qps),
      achieved_qps: round(outcome.totals.throughput.average_qps),
      p95_ms: p95,
      failed: outcome.totals.failed_requests,
      dropped: outcome.totals.dropped_requests,
      held: why === null,
    });
    if (why !== null) {
      stoppedBy = why;
      limitedBy = outcome.generator.valid ? "target" : "generator";
      break;
    }
    held = round(qps);
  }
  return {
    kind: "stepped_open_model",
    p95_limit_ms: spec.p95LimitMs,
    stage_s: spec.stageS,
    growth: spec.growth,
    max_sustained_qps: held,
    stopped_by: stoppedBy,
    limited_by: limitedBy,
    stages,
  };
}

function round(qps: number): number {
  return Math.round(qps * 10) / 10;
}
