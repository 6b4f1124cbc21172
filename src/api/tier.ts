/** A collection's storage tier, as GET /api/v1/collections/:id/tier reports it. */
export type Tier = "hot" | "warm" | "cold";

/**
 * A collection's tier on the target when the load starts, and how long it had been idle: what a
 * target reads from its tier status, and where the plan's tier model starts.
 */
export interface TierStart {
  tier: Tier;
  idleS: number;
}
