import type { Dataset } from "../dataset/dataset.ts";
import type { LoadOutcome } from "../load/load_spec.ts";
import type { PlanCollection } from "../plan/request_plan.ts";
import type { RateProbeResult } from "../result/run_result.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { runSearchStage, searchStage, type SearchStageOptions } from "./search_stage.ts";
import type { Deployment } from "./setup.ts";

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
  options: SearchStageOptions & { onProgress?: (message: string) => void } = {},
): Promise<RateProbeResult> {
  const spec = scenario.probe!;
  const stages: RateProbeResult["stages"] = [];
  // The first stage would start from the pause after the measured load (recall scoring, the
  // integrity read-back): the scenario's warm-up at the first stage's rate comes first.
  if (scenario.warmupS > 0 && !options.signal?.aborted) {
    options.onProgress?.(`warming up for the probe: ${scenario.warmupS} s, not recorded`);
    const warmup = searchStage(scenario, {
      qps: spec.startQps,
      durationS: scenario.warmupS,
      seed: scenario.seed - 1,
    });
    await runSearchStage(warmup, target, dataset, collections, deployment, options);
  }
  let held: number | null = null;
  let stoppedBy = `reached max_qps ${spec.maxQps}`;
  let limitedBy: RateProbeResult["limited_by"] = "max_qps";
  for (let qps = spec.startQps; qps <= spec.maxQps; qps *= spec.growth) {
    if (options.signal?.aborted) {
      [stoppedBy, limitedBy] = ["interrupted", "interrupted"];
      break;
    }
    options.onProgress?.(`probing the sustained search rate: ${Math.round(qps)} req/s`);
    const stage = searchStage(scenario, {
      qps,
      durationS: spec.stageS,
      seed: scenario.seed + stages.length + 1,
    });
    const outcome = await runSearchStage(stage, target, dataset, collections, deployment, options);
    const verdict = judgeStage(outcome, qps, spec.p95LimitMs);
    const search = outcome.operations.find((o) => o.operation === "search");
    stages.push({
      offered_qps: round(qps),
      achieved_qps: round(outcome.totals.throughput.average_qps),
      p95_ms: search && search.latency_ms.count > 0 ? search.latency_ms.p95 : null,
      failed: outcome.totals.failed_requests,
      dropped: outcome.totals.dropped_requests,
      held: verdict === null,
    });
    if (verdict !== null) {
      [stoppedBy, limitedBy] = [verdict.why, verdict.by];
      break;
    }
    held = round(qps);
  }
  return {
    kind: "stepped_open_model",
    p95_limit_ms: spec.p95LimitMs,
    ...(scenario.warmupS > 0 ? { warmup_s: scenario.warmupS } : {}),
    stage_s: spec.stageS,
    growth: spec.growth,
    max_sustained_qps: held,
    stopped_by: stoppedBy,
    limited_by: limitedBy,
    stages,
  };
}

/**
 * Why a stage did not hold, and whose limit it was; null when it held. A late generator only
 * adds to a search's latency (measured from its intended send time) and spares the target the
 * load it did not send on time, so a p95 over the limit by more than the generator's own delay
 * (its schedule-lag p99 plus event-loop-lag p99) is the target's even when the generator also
 * fell behind; within that margin, or with the p95 under the limit, a late generator leaves the
 * stage unjudged and ends the probe on the generator's limit.
 */
export function judgeStage(
  outcome: LoadOutcome,
  qps: number,
  limitMs: number,
): { why: string; by: "target" | "generator" } | null {
  const at = `at ${round(qps)} req/s`;
  const search = outcome.operations.find((o) => o.operation === "search");
  const p95 = search && search.latency_ms.count > 0 ? search.latency_ms.p95 : null;
  const requests = outcome.totals.total_requests;
  const lost = outcome.totals.failed_requests + outcome.totals.dropped_requests;
  const generator = outcome.generator;
  const generatorDelay = generator.schedule_lag_ms.p99 + generator.event_loop_lag_p99_ms;
  const over = p95 !== null && p95 > limitMs;
  if (over && (generator.valid || p95 - generatorDelay > limitMs)) {
    const late = generator.valid
      ? ""
      : ` (the generator fell behind too, by ${
        generatorDelay.toFixed(1)
      } ms at most: ${generator.reason})`;
    return { why: `p95 ${p95.toFixed(1)} ms > ${limitMs} ms ${at}${late}`, by: "target" };
  }
  if (!generator.valid) {
    return { why: `the load generator fell behind ${at} (${generator.reason})`, by: "generator" };
  }
  if (p95 === null) return { why: `no search completed ${at}`, by: "target" };
  if (lost > MAX_LOST_SHARE * requests) {
    return { why: `${lost} of ${requests} searches failed or dropped ${at}`, by: "target" };
  }
  return null;
}

function round(qps: number): number {
  return Math.round(qps * 10) / 10;
}
