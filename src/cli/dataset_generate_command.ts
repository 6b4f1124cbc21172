import type { Subcommand } from "./command.ts";
import { checkOutputPath, intFlag, parseDatasetArgs } from "./dataset_args.ts";
import { ttyProgress } from "./tty_progress.ts";
import { UsageError } from "../usage/usage_error.ts";
import { parseMetric } from "../dataset/ann_metric.ts";
import type { GenerateParams } from "../dataset/dataset.ts";
import { canonicalParams } from "../dataset/generate_params.ts";

const HELP = `akibench dataset generate: make a deterministic dataset with exact ground truth

Usage: akibench dataset generate --out FILE.hdf5 [--size N] [--dim D] [--queries Q] [--k K]
                                 [--metric cosine|l2|dot] [--seed S]
                                 [--distribution clustered|uniform] [--clusters C]

Options:
  --out FILE           output file (.hdf5 or .h5, ann-benchmarks layout); written atomically
  --size N             base vectors (default 10000; up to 10000000)
  --dim D              dimension (default 512)
  --queries Q          query vectors, drawn like the base but not copies of it (default 1000)
  --k K                ground-truth neighbours per query (default 100; at most --size)
  --metric M           cosine (stored L2-normalised), l2 or dot (default cosine)
  --seed S             PRNG seed, 0..2^53-1 (default 42)
  --distribution D     clustered (Gaussian mixture, default) or uniform in [-1, 1)
  --clusters C         mixture components for clustered (default min(100, size))

The same arguments give byte-identical files on any machine (xoshiro128** streams, Ziggurat
Gaussian in IEEE float64 rounded to float32). The content hash is stored as akibench_hash.`;

export const datasetGenerateCommand: Subcommand = {
  name: "generate",
  summary: "generate a seeded dataset with exact ground truth",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values } = parseDatasetArgs("generate", args, [
      "out",
      "size",
      "dim",
      "queries",
      "k",
      "metric",
      "seed",
      "distribution",
      "clusters",
    ], false);
    if (!values.out) throw new UsageError("generate: --out FILE.hdf5 is required");
    const size = intFlag("size", values.size, 10_000);
    const distribution = values.distribution ?? "clustered";
    if (distribution !== "clustered" && distribution !== "uniform") {
      throw new UsageError(
        `--distribution: unknown distribution '${distribution}' (expected clustered, uniform)`,
      );
    }
    const params: GenerateParams = canonicalParams({
      size,
      dim: intFlag("dim", values.dim, 512),
      queries: intFlag("queries", values.queries, 1000),
      k: intFlag("k", values.k, 100),
      metric: parseMetric(values.metric ?? "cosine", "--metric"),
      distribution,
      clusters: intFlag("clusters", values.clusters, Math.min(100, Math.max(size, 1))),
      seed: intFlag("seed", values.seed, 42),
    });
    await checkOutputPath(values.out);
    // Loaded on use, so `akibench --help` and other commands skip the HDF5 WASM start-up.
    const { generateDataset } = await import("../dataset/generate.ts");
    const { writeDataset } = await import("../dataset/hdf5.ts");
    const started = performance.now();
    const progress = ttyProgress("generate");
    try {
      const dataset = await generateDataset(params, progress.show);
      progress.show?.("writing");
      await writeDataset(values.out, dataset, params);
      progress.done();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `wrote ${values.out}: ${dataset.name}, ${dataset.size} × ${dataset.dim}, ` +
          `${dataset.queries} queries, k=${dataset.k}, hash ${dataset.hash} (${seconds} s)`,
      );
      return 0;
    } finally {
      progress.done();
    }
  },
};
