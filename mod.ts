/**
 * akibench: reproducible load tests and benchmarks for vector databases.
 * @module
 */
export { VERSION } from "./src/version.ts";
export type { Metric } from "./src/dataset/metric.ts";
export type * from "./src/targets/target.ts";
export { TargetError } from "./src/targets/target.ts";
export type * from "./src/result/run_result.ts";
export { RUN_RESULT_SCHEMA_VERSION } from "./src/result/run_result.ts";
