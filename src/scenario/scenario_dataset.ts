import { dirname, resolve as resolvePath } from "node:path";
import { parse as parseYaml } from "yaml";
import { type AnnFileInfo, readAnnFileInfo } from "../dataset/ann_file_info.ts";
import { isMapping } from "./merge.ts";
import type { ScenarioDataset } from "./scenario.ts";
import { ScenarioError } from "./scenario_error.ts";
import type { ScenarioDocument } from "./schema.ts";

/** Dataset files a scenario names, read before it is resolved (keyed by resolved path). */
export type DatasetFiles = Map<string, AnnFileInfo>;

/** `dataset.file` as a path: relative to the scenario file's folder. */
export function datasetFilePath(scenarioFile: string, file: string): string {
  return resolvePath(dirname(scenarioFile), file);
}

/**
 * Reads the shapes and attributes of the dataset files a scenario's YAML names (`dataset.file`,
 * and `smoke.dataset.file`). A file that is missing, not HDF5, or lacks a metric or ground truth
 * is a ScenarioError naming the scenario, the field and the file. YAML that does not parse is
 * left to the scenario's own validation.
 */
export async function readDatasetFiles(text: string, scenarioFile: string): Promise<DatasetFiles> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch {
    return new Map();
  }
  const files: DatasetFiles = new Map();
  const named = (doc: unknown, field: string) => {
    const ds = isMapping(doc) ? doc.dataset : undefined;
    const file = isMapping(ds) ? ds.file : undefined;
    return typeof file === "string" && file !== "" ? [{ file, field }] : [];
  };
  const smoke = isMapping(raw) ? raw.smoke : undefined;
  for (
    const { file, field } of [...named(raw, "dataset.file"), ...named(smoke, "smoke.dataset.file")]
  ) {
    const path = datasetFilePath(scenarioFile, file);
    try {
      files.set(path, await readAnnFileInfo(path));
    } catch (err) {
      throw new ScenarioError(`${scenarioFile}: ${field}: ${(err as Error).message}`);
    }
  }
  return files;
}

/** Defaults of the generator's parameters. */
const GENERATED = { distribution: "clustered", clusters: 64, queries: 200, k: 100 } as const;

/**
 * The scenario's dataset: generator parameters with their defaults, or a file's metric,
 * dimension, queries, ground-truth depth and size (split over the tenants; `size` may ask for
 * fewer of its vectors). Conflicts with the file and missing fields go to `fail`.
 */
export function resolveDataset(
  ds: ScenarioDocument["dataset"],
  scenarioFile: string,
  files: DatasetFiles,
  groups: number,
  fail: (path: string, why: string) => never,
): Omit<ScenarioDataset, "access"> {
  const common = { collections: ds.collections };
  if (ds.file === undefined) {
    if (ds.hash !== undefined) fail("dataset.hash", "pins a dataset file: add dataset.file");
    for (const field of ["size", "dim", "metric"] as const) {
      if (ds[field] === undefined) {
        fail(
          `dataset.${field}`,
          "expected a value (missing), or dataset.file for data from a file",
        );
      }
    }
    return {
      ...common,
      size: ds.size!,
      dim: ds.dim!,
      metric: ds.metric!,
      distribution: ds.distribution ?? GENERATED.distribution,
      clusters: ds.clusters ?? GENERATED.clusters,
      queries: ds.queries ?? GENERATED.queries,
      k: ds.k ?? GENERATED.k,
      file: null,
    };
  }
  const path = datasetFilePath(scenarioFile, ds.file);
  const info = files.get(path);
  if (!info) fail("dataset.file", `${path} was not read (load the scenario with loadScenario)`);
  for (const field of ["distribution", "clusters"] as const) {
    if (ds[field] !== undefined) {
      fail(`dataset.${field}`, "generator parameter: remove it (the data comes from dataset.file)");
    }
  }
  for (const field of ["metric", "dim", "queries", "k"] as const) {
    if (ds[field] !== undefined && ds[field] !== info![field]) {
      fail(
        `dataset.${field}`,
        `${ds[field]} conflicts with ${path}, whose ${field} is ${info![field]}`,
      );
    }
  }
  if (ds.hash !== undefined && info!.hash !== null && ds.hash !== info!.hash) {
    fail(
      "dataset.hash",
      `${path} has content hash ${info!.hash.slice(0, 12)}…, the scenario pins ${
        ds.hash.slice(0, 12)
      }…`,
    );
  }
  const perGroup = Math.floor(info!.size / groups);
  if (ds.size !== undefined && ds.size > perGroup) {
    fail(
      "dataset.size",
      `${ds.size} exceeds the ${perGroup} vectors ${path} holds${groups > 1 ? " per tenant" : ""}`,
    );
  }
  return {
    ...common,
    size: ds.size ?? perGroup,
    dim: info!.dim,
    metric: info!.metric,
    distribution: GENERATED.distribution,
    clusters: GENERATED.clusters,
    queries: info!.queries,
    k: info!.k,
    file: { path, hash: ds.hash ?? info!.hash },
  };
}
