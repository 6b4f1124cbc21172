import type { RunResult } from "../result/run_result.ts";
import type { DeployedRun } from "./deployed_run.ts";
import type { Driven } from "./drive_load.ts";
import type { IntegrityLedger } from "./integrity.ts";
import type { MeasuredRecall } from "./measured_recall.ts";
import { pooledLedger, scorePooledRecall } from "./pooled_truth.ts";
import { faultsEndS, recoveryTimeMs } from "./recovery_time.ts";
import { type TargetChecks, verifyTarget } from "./verify_target.ts";

/** What verification found after a run's load. */
export interface Verified extends TargetChecks {
  recall: RunResult["recall"];
  /** Why the target stopped answering (with how it exited, when known); null while it answers. */
  stopped: string | null;
}

/**
 * Verify: the recall of the measured searches, then the target's checks (crashes, integrity
 * read-back of the acknowledged writes, tenancy probes) and, after a fault schedule, the time
 * the target took to recover.
 */
export async function verifyRun(
  run: DeployedRun,
  driven: Driven,
  recall: MeasuredRecall | null,
  ledger: IntegrityLedger,
): Promise<Verified> {
  const { scenario } = run;
  const recallResult = scoreRecall(run, recall, driven);
  // Workers' writes reached the target through their own clients: their journals say which.
  const written = () =>
    driven.journals
      ? pooledLedger(driven.journals, run.collections, run.dataset, scenario.seed)
      : ledger;
  const checked = await verifyTarget(run, written, driven.outcome.interrupted);
  if (driven.faulted) {
    const endS = faultsEndS(scenario.server.faults);
    const recovery = recoveryTimeMs(driven.sampled.targetMetrics, endS);
    if (recovery !== null) checked.checks.recovery_time = recovery;
  }
  let stopped: string | null = null;
  if (!checked.alive) {
    const exit = await run.target.exitReport?.();
    stopped = `the target stopped answering its health check${exit ? ` (${exit})` : ""}`;
  }
  return { ...checked, recall: recallResult, stopped };
}

/**
 * Scores the measured searches once the load is over (the load workers' journals pooled, or
 * the single loop's searches) into the RunResult's recall, and gives the live figures its value.
 */
function scoreRecall(
  run: DeployedRun,
  recall: MeasuredRecall | null,
  driven: Driven,
): RunResult["recall"] {
  if (!recall) return null;
  run.progress("scoring the recall of the measured searches");
  if (driven.journals) {
    const start = Date.parse(driven.outcome.startTime);
    scorePooledRecall(driven.journals, run.collections.length, start, recall);
  } else driven.scoreMeasured();
  const asked = run.scenario.recall!.k;
  const result = { ...recall.series.result(), ...(recall.k < asked ? { capped_from: asked } : {}) };
  if (driven.live && result.overall !== null) {
    driven.live.recall = { k: result.k, value: result.overall, samples: result.samples };
  }
  return result;
}
