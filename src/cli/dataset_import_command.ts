import type { Subcommand } from "./command.ts";
import { checkOutputPath, intFlag, onePositional, parseDatasetArgs } from "./dataset_args.ts";
import { ttyProgress } from "./tty_progress.ts";
import { UsageError } from "../usage/usage_error.ts";
import { parseMetric } from "../dataset/ann_metric.ts";

const HELP = `akibench dataset import: convert a dataset into akibench's HDF5 (with ground truth)

Usage: akibench dataset import SOURCE --out FILE.hdf5 [--queries FILE] [--neighbors FILE]
                               [--metric cosine|l2|dot] [--k K]

SOURCE is one of:
  FILE.hdf5 | FILE.h5   ann-benchmarks layout (train, test, optional neighbors/distances)
  FILE.fvecs            TEXMEX base vectors; needs --queries FILE.fvecs
  FILE.fbin             big-ann base vectors (uint32 n, uint32 d header); needs --queries FILE.fbin

Options:
  --out FILE         output file (.hdf5 or .h5); written atomically
  --queries FILE     query vectors (.fvecs or .fbin) for a .fvecs/.fbin source
  --neighbors FILE   ground-truth ids (.ivecs, or .ibin with optional distances); when absent
                     the exact ground truth is computed
  --metric M         cosine|angular, l2|euclidean, dot; required unless the file records it
  --k K              ground-truth depth (default: the file's, else min(100, size))`;

export const datasetImportCommand: Subcommand = {
  name: "import",
  summary: "convert ann-benchmarks HDF5, .fvecs/.ivecs or .fbin/.ibin into akibench HDF5",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseDatasetArgs("import", args, [
      "out",
      "queries",
      "neighbors",
      "metric",
      "k",
    ], true);
    const source = onePositional("import", positionals);
    if (!values.out) throw new UsageError("import: --out FILE.hdf5 is required");
    await checkOutputPath(values.out);
    const { importDataset } = await import("../dataset/import_dataset.ts");
    const { writeDataset } = await import("../dataset/hdf5.ts");
    const progress = ttyProgress("import");
    try {
      const dataset = await importDataset({
        source,
        queries: values.queries,
        neighbors: values.neighbors,
        metric: values.metric === undefined ? undefined : parseMetric(values.metric, "--metric"),
        k: values.k === undefined ? undefined : intFlag("k", values.k, 0),
        onProgress: progress.show,
      });
      progress.show?.("writing");
      await writeDataset(values.out, dataset);
      progress.done();
      console.log(
        `wrote ${values.out}: ${dataset.size} × ${dataset.dim} ${dataset.metric}, ` +
          `${dataset.queries} queries, k=${dataset.k}, hash ${dataset.hash}`,
      );
      return 0;
    } finally {
      progress.done();
    }
  },
};
