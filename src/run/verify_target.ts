import type { RunResult } from "../result/run_result.ts";
import type { DeployedRun } from "./deployed_run.ts";
import { type IntegrityLedger, verifyIntegrity } from "./integrity.ts";
import { probeIsolation } from "./isolation.ts";

/** What the target showed after the load. */
export interface TargetChecks {
  /** It still answered its health check. */
  alive: boolean;
  /** crashes (0 or 1), and the tenancy probes' checks. */
  checks: Record<string, number>;
  integrity: RunResult["integrity"];
  /** What the tenancy probes found, or why they could not run. */
  problems: string[];
}

/**
 * Checks the target once the load is over (one process's, or a sharded run's finish): that it
 * still answers, that a sample of `written()` (the acknowledged writes) reads back unless the
 * load was interrupted, and with tenants, that no tenant reaches another's data.
 */
export async function verifyTarget(
  run: DeployedRun,
  written: () => IntegrityLedger,
  interrupted: boolean,
): Promise<TargetChecks> {
  const { scenario, target, dataset, deployment } = run;
  const alive = await target.healthy();
  const checks: Record<string, number> = { crashes: alive ? 0 : 1 };
  const problems: string[] = [];
  let integrity: RunResult["integrity"] = null;
  if (scenario.integrity && alive && !interrupted) {
    const sample = written().sample(scenario.integrity.sample);
    run.progress(`verifying ${sample.length} documents`);
    integrity = await verifyIntegrity(sample, {
      target,
      collectionIds: deployment.collectionIds,
      apiKeys: deployment.collectionKeys,
      metric: dataset.metric,
    });
  }
  if (alive && scenario.tenants.length > 0 && run.features.tenancy) {
    try {
      const isolation = await probeIsolation(
        target,
        run.collections,
        deployment,
        deployment.tenantIds,
        dataset.dim,
        run.features,
      );
      Object.assign(checks, isolation.checks);
      if (isolation.findings.length > 0) {
        problems.push(`tenancy probes: ${isolation.findings.join("; ")}`);
      }
    } catch (err) {
      problems.push(`tenancy probes: ${(err as Error).message}`);
    }
  }
  return { alive, checks, integrity, problems };
}
