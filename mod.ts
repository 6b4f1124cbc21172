/**
 * akibench: reproducible load tests and benchmarks for vector databases.
 *
 * The library surface, in pipeline order: run scenarios against a target into a RunResult, the
 * open-model load engine, datasets with exact ground truth, criteria, and reports (render, write,
 * compare). Internals (the request plan, the sampler, live metrics, target adapters, the
 * reference server) are subpath exports of deno.json, e.g. `@akibench/akibench/metrics/sampler`.
 * @module
 */
export { VERSION } from "./src/version.ts";

// Run: a scenario (a suite, several targets) against a target, to a RunResult.
export { runScenario } from "./src/run/run_scenario.ts";
export type { RunScenarioOptions } from "./src/run/run_scenario.ts";
export { runSuite } from "./src/run/run_suite.ts";
export { runTargets } from "./src/run/run_targets.ts";
export type { TargetRuns, TargetsOptions } from "./src/run/run_targets.ts";
export { parseTargetSpecs } from "./src/run/target_specs.ts";
export type { TargetSpec } from "./src/run/target_specs.ts";
export type * from "./src/scenario/scenario.ts";
export { loadScenario, parseScenario } from "./src/scenario/read_scenario.ts";
export { loadSuite } from "./src/scenario/suite.ts";
export { ScenarioError } from "./src/scenario/scenario_error.ts";
export { scenarioHash } from "./src/scenario/hash.ts";
export type * from "./src/targets/target.ts";
export { TargetError } from "./src/targets/target.ts";
export { openTarget } from "./src/targets/registry.ts";
export type * from "./src/result/run_result.ts";
export { RUN_RESULT_SCHEMA_VERSION } from "./src/result/run_result.ts";
export { collectEnvironment } from "./src/result/environment.ts";

// Engine: rate profiles and the open-model load, in one process or in workers.
export type * from "./src/load/load_spec.ts";
export { makeRateProfile } from "./src/load/rate_profile.ts";
export { runLoad } from "./src/load/engine.ts";
export type { RunLoadOptions, StreamTotals } from "./src/load/engine.ts";
export { runLoadInWorkers } from "./src/load/sharded_load.ts";
export type { LoadModule, LoadParts, PortableLoadSpec } from "./src/load/sharded_load.ts";
export type { LoadObserver } from "./src/metrics/load_observer.ts";

// Dataset: generated or imported vectors with exact ground truth, and recall.
export type { Metric } from "./src/dataset/metric.ts";
export type { Dataset, GenerateParams } from "./src/dataset/dataset.ts";
export { loadOrGenerate } from "./src/dataset/cache.ts";
export { generateDataset } from "./src/dataset/generate.ts";
export { importDataset } from "./src/dataset/import_dataset.ts";
export type { ImportOptions } from "./src/dataset/import_dataset.ts";
export { readDataset, writeDataset } from "./src/dataset/hdf5.ts";
export { recallByDistance, recallByIds } from "./src/dataset/recall.ts";

// Criteria: threshold expressions and their evaluation.
export type { Criterion } from "./src/criteria/criterion.ts";
export { CriterionError } from "./src/criteria/criterion.ts";
export { parseCriterion } from "./src/criteria/parse.ts";
export { evaluateCriteria, evaluateCriterion } from "./src/criteria/evaluate.ts";

// Report: render, write, read back and compare RunResults.
export { renderMarkdown, renderSuiteMarkdown } from "./src/report/markdown.ts";
export { renderHtml, renderSuiteHtml } from "./src/report/html.ts";
export { renderJUnit } from "./src/report/junit.ts";
export { writeReports, writeRunReports, writeSuiteReports } from "./src/report/write_reports.ts";
export { readRunResult, readRuns } from "./src/report/read_runs.ts";
export { compareRuns } from "./src/report/compare.ts";
export type { CompareOptions, Comparison, MetricComparison } from "./src/report/compare.ts";
export { renderComparisonHtml, renderComparisonMarkdown } from "./src/report/compare_report.ts";
