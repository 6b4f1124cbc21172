import { UsageError } from "../usage/usage_error.ts";
import { type Metric, METRICS } from "./metric.ts";

const ANN_NAMES: Record<Metric, string> = { cosine: "angular", l2: "euclidean", dot: "dot" };

const ALIASES: Record<string, Metric> = {
  angular: "cosine",
  cosine: "cosine",
  euclidean: "l2",
  l2: "l2",
  dot: "dot",
  ip: "dot",
  inner_product: "dot",
};

/** The ann-benchmarks `distance` attribute for a metric: angular, euclidean or dot. */
export function annDistanceName(metric: Metric): string {
  return ANN_NAMES[metric];
}

/**
 * The metric named by a user or an ann-benchmarks `distance` attribute (angular, euclidean, dot,
 * or our own names); throws a UsageError naming `where` for anything else.
 */
export function parseMetric(name: string, where: string): Metric {
  const metric = ALIASES[name.toLowerCase()];
  if (!metric) {
    throw new UsageError(
      `${where}: unknown metric '${name}' (expected ${METRICS.join(", ")}, angular, euclidean)`,
    );
  }
  return metric;
}
