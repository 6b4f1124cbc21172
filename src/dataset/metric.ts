/**
 * Vector similarity metrics. `cosine` and `dot` rank by larger inner product (after
 * normalisation for cosine); `l2` ranks by smaller Euclidean distance.
 */
export type Metric = "cosine" | "l2" | "dot";

export const METRICS: readonly Metric[] = ["cosine", "l2", "dot"];
