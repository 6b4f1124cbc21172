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
export type * from "./src/load/load_spec.ts";
export { makeRateProfile } from "./src/load/rate_profile.ts";
export { ArrivalSchedule } from "./src/load/arrival_schedule.ts";
export { runLoad } from "./src/load/engine.ts";
export type { RunLoadOptions, StreamTotals } from "./src/load/engine.ts";
export { runLoadInWorkers } from "./src/load/sharded_load.ts";
export type { LoadModule, LoadParts, PortableLoadSpec } from "./src/load/sharded_load.ts";
export { startSampler } from "./src/metrics/sampler.ts";
export type { SamplerOptions, SamplerResult } from "./src/metrics/sampler.ts";
export { parsePrometheusText } from "./src/metrics/prometheus_text.ts";
export type { Dataset, GenerateParams } from "./src/dataset/dataset.ts";
export { loadOrGenerate } from "./src/dataset/cache.ts";
export { generateDataset } from "./src/dataset/generate.ts";
export { importDataset } from "./src/dataset/import_dataset.ts";
export type { ImportOptions } from "./src/dataset/import_dataset.ts";
export { readDataset, writeDataset } from "./src/dataset/hdf5.ts";
export { recallByDistance, recallByIds } from "./src/dataset/recall.ts";
export type * from "./src/scenario/scenario.ts";
export { loadScenario, parseScenario } from "./src/scenario/load.ts";
export { loadSuite } from "./src/scenario/suite.ts";
export { ScenarioError } from "./src/scenario/scenario_error.ts";
export { scenarioHash } from "./src/scenario/hash.ts";
export type { Criterion } from "./src/criteria/criterion.ts";
export { CriterionError } from "./src/criteria/criterion.ts";
export { parseCriterion } from "./src/criteria/parse.ts";
export { evaluateCriteria, evaluateCriterion } from "./src/criteria/evaluate.ts";
export { AkidbTarget } from "./src/targets/akidb.ts";
export { ReferenceTarget } from "./src/targets/reference.ts";
export { openTarget } from "./src/targets/registry.ts";
export type { ScenarioHooks, ScenarioTarget } from "./src/targets/scenario_target.ts";
export { RequestPlan } from "./src/load/request_plan.ts";
export type { PlannedRequest } from "./src/load/request_plan.ts";
export { runScenario } from "./src/run/run_scenario.ts";
export type { RunScenarioOptions } from "./src/run/run_scenario.ts";
export { runSuite } from "./src/run/run_suite.ts";
export { collectEnvironment } from "./src/result/environment.ts";
