import type { GenerateParams } from "../dataset/dataset.ts";
import type { PlanCollection } from "./request_plan.ts";
import type { Scenario } from "../scenario/scenario.ts";

/**
 * Which base rows each collection holds: every tenant (or the one implicit group) owns
 * `dataset.size` consecutive rows, split evenly over its `dataset.collections` collections
 * (the last one takes the remainder).
 */
export function planCollections(s: Scenario): PlanCollection[] {
  const groups = s.tenants.length === 0 ? [""] : s.tenants.map((t) => t.name);
  const { size, collections } = s.dataset;
  const per = Math.floor(size / collections);
  return groups.flatMap((tenant, g) =>
    Array.from({ length: collections }, (_, c) => ({
      tenant,
      start: g * size + c * per,
      end: c === collections - 1 ? (g + 1) * size : g * size + (c + 1) * per,
    }))
  );
}

/** How many base vectors the bulk load puts into these collections. */
export function baseRowCount(collections: PlanCollection[]): number {
  return collections.reduce((n, c) => n + c.end - c.start, 0);
}

/** The dataset a scenario loads: its size times the number of tenants. */
export function datasetParams(s: Scenario): GenerateParams {
  const total = s.dataset.size * Math.max(1, s.tenants.length);
  return {
    size: total,
    dim: s.dataset.dim,
    queries: s.dataset.queries,
    k: Math.min(s.dataset.k, total),
    metric: s.dataset.metric,
    distribution: s.dataset.distribution,
    clusters: s.dataset.clusters,
    seed: s.seed,
  };
}
