import type { TierStart } from "../plan/request_plan_tiers.ts";
import type { DeployedRun } from "./deployed_run.ts";

/**
 * Where the target has each collection's tier as the load begins, for the tier model: a policy
 * of seconds demotes the collections while the ground truth is computed, so the model starts
 * from there, not from "all hot" (undefined: all hot; why, in `problems`, when asking failed).
 */
export async function startingTiers(
  run: DeployedRun,
  problems: string[],
): Promise<TierStart[] | undefined> {
  const { target, deployment } = run;
  if (!run.features.tiering || !target.collectionTier) return undefined;
  try {
    return await Promise.all(
      deployment.collectionIds.map((id, i) =>
        target.collectionTier!(id, { apiKey: deployment.collectionKeys[i] })
      ),
    );
  } catch (err) {
    problems.push(
      `tiers at the start unknown, the tier model starts all hot: ${(err as Error).message}`,
    );
    return undefined;
  }
}
