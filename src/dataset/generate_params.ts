import { UsageError } from "../usage/usage_error.ts";
import type { GenerateParams } from "./dataset.ts";
import { METRICS } from "./metric.ts";

/** Largest number of base vectors a generated dataset may have. */
export const MAX_SIZE = 10_000_000;
/** Largest number of Gaussian-mixture components (the cluster draw needs n ≤ 2^21). */
export const MAX_CLUSTERS = 1 << 21;

function requireInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Throws a UsageError naming the first parameter that is out of range. */
export function validateGenerateParams(params: GenerateParams): void {
  requireInt("size", params.size, 1, MAX_SIZE);
  requireInt("dim", params.dim, 1, 65_536);
  requireInt("queries", params.queries, 1, 1_000_000);
  requireInt("k", params.k, 1, params.size);
  requireInt("seed", params.seed, 0, Number.MAX_SAFE_INTEGER);
  if (!METRICS.includes(params.metric)) {
    throw new UsageError(`unknown metric '${params.metric}' (expected ${METRICS.join(", ")})`);
  }
  if (params.distribution !== "clustered" && params.distribution !== "uniform") {
    throw new UsageError(
      `unknown distribution '${params.distribution}' (expected clustered, uniform)`,
    );
  }
  if (params.distribution === "clustered") {
    requireInt("clusters", params.clusters, 1, Math.min(MAX_CLUSTERS, params.size));
  }
}

/** The dataset's short name, e.g. "clustered-10000x512-cosine-s42". */
export function generatedName(params: GenerateParams): string {
  return `${params.distribution}-${params.size}x${params.dim}-${params.metric}-s${params.seed}`;
}

/** GenerateParams in a fixed key order; `clusters` is 0 for uniform data (it is unused). */
export function canonicalParams(params: GenerateParams): GenerateParams {
  const { size, dim, queries, k, metric, distribution, clusters, seed } = params;
  const used = distribution === "clustered" ? clusters : 0;
  return { size, dim, queries, k, metric, distribution, clusters: used, seed };
}
