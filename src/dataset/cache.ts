import { join } from "node:path";
import type { Dataset, GenerateParams } from "./dataset.ts";
import { generateDataset } from "./generate.ts";
import { canonicalParams, validateGenerateParams } from "./generate_params.ts";
import { FORMAT_VERSION, readRecordedDataset, writeDataset } from "./hdf5.ts";

/**
 * Version of the generators' output: bump it whenever the same GenerateParams would produce
 * different bytes, so stale cache files are never reused.
 */
export const GENERATOR_VERSION = 1;

/** Default cache folder (git-ignored). */
export const DEFAULT_CACHE_DIR = "datasets";

/**
 * The cache file name for `params`: generator, every parameter, seed, generator version and
 * file-format version, e.g. `clustered-n10000-d512-q1000-k100-cosine-c100-s42-g1-f1.hdf5`.
 */
export function cacheFileName(params: GenerateParams): string {
  const p = canonicalParams(params);
  return `${p.distribution}-n${p.size}-d${p.dim}-q${p.queries}-k${p.k}-${p.metric}` +
    `-c${p.clusters}-s${p.seed}-g${GENERATOR_VERSION}-f${FORMAT_VERSION}.hdf5`;
}

/** Why a cache file cannot be used, or null when `dataset` may be returned as is. */
async function reuse(path: string, params: GenerateParams): Promise<Dataset | string> {
  try {
    const recorded = await readRecordedDataset(path);
    if (!recorded.hashRecorded) return "no content hash recorded";
    if (recorded.params !== JSON.stringify(canonicalParams(params))) {
      return "recorded parameters differ";
    }
    return recorded.dataset;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * The dataset for `params` from the cache folder (default `datasets/`), generating and caching
 * it when absent. A cached file is used only when it reads back completely and its content hash
 * and recorded parameters match; otherwise it is reported through `onProgress`, replaced and
 * regenerated. Throws UsageError for invalid parameters.
 */
export async function loadOrGenerate(
  params: GenerateParams,
  options: { dir?: string; onProgress?: (msg: string) => void } = {},
): Promise<Dataset> {
  validateGenerateParams(params);
  const dir = options.dir ?? DEFAULT_CACHE_DIR;
  const path = join(dir, cacheFileName(params));
  const exists = await Deno.stat(path).then(() => true, () => false);
  if (exists) {
    const cached = await reuse(path, params);
    if (typeof cached !== "string") return cached;
    options.onProgress?.(`cache file ${path} is unusable (${cached}); regenerating`);
    await Deno.remove(path);
  }
  await Deno.mkdir(dir, { recursive: true });
  const dataset = await generateDataset(params, options.onProgress);
  await writeDataset(path, dataset, canonicalParams(params));
  return dataset;
}
