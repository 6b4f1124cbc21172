import { loadOrGenerate } from "../dataset/cache.ts";
import type { Dataset } from "../dataset/dataset.ts";
import { readDataset } from "../dataset/hdf5.ts";
import { UsageError } from "../usage/usage_error.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { datasetParams } from "../plan/layout.ts";

/**
 * The data a scenario runs on: its `dataset.file` (read whole, the recorded content hash
 * verified, and then the hash the scenario expects: its pin, or the hash the file had when the
 * scenario was loaded), or the generated dataset from the cache.
 */
export async function loadScenarioDataset(
  scenario: Scenario,
  options: { dir?: string; onProgress?: (message: string) => void },
): Promise<Dataset> {
  const file = scenario.dataset.file;
  if (!file) return await loadOrGenerate(datasetParams(scenario), options);
  options.onProgress?.(`reading ${file.path}`);
  const dataset = await readDataset(file.path);
  if (file.hash !== null && dataset.hash !== file.hash) {
    throw new UsageError(
      `${file.path}: content hash ${dataset.hash.slice(0, 12)}… differs from the expected ` +
        `${
          file.hash.slice(0, 12)
        }… (dataset.hash, or the file changed since the scenario was loaded)`,
    );
  }
  return dataset;
}
