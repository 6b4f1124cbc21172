import { contentHash } from "./content_hash.ts";
import type { Dataset, GenerateParams } from "./dataset.ts";
import { generatedName, validateGenerateParams } from "./generate_params.ts";
import { generateCentres, generateVectors } from "./generate_vectors.ts";
import { computeGroundTruth } from "./ground_truth.ts";

/** Reports progress as a short human-readable line, e.g. "base vectors 42%". */
export type ProgressMessage = (message: string) => void;

function percent(done: number, total: number): string {
  return `${Math.floor((100 * done) / total)}%`;
}

/**
 * Generates a dataset deterministically from `params` (see generate_vectors.ts for the recipe)
 * and computes its exact ground truth and content hash. Throws UsageError for bad parameters.
 */
export async function generateDataset(
  params: GenerateParams,
  onProgress?: ProgressMessage,
): Promise<Dataset> {
  validateGenerateParams(params);
  const { size, dim, queries, k, metric } = params;
  const centres = generateCentres(params);
  const train = new Float32Array(size * dim);
  generateVectors(params, centres, "base", train, (done) => {
    onProgress?.(`base vectors ${percent(done, size)} (${done}/${size})`);
  });
  const test = new Float32Array(queries * dim);
  generateVectors(params, centres, "queries", test);
  const truth = await computeGroundTruth(train, test, dim, k, metric, {
    onProgress: (done, total) => onProgress?.(`ground truth ${percent(done, total)}`),
  });
  const content = {
    metric,
    size,
    dim,
    queries,
    k,
    train,
    test,
    neighbors: truth.neighbors,
    distances: truth.distances,
  };
  return { name: generatedName(params), ...content, hash: contentHash(content) };
}
