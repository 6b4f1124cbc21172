import type { Subcommand } from "./command.ts";
import { onePositional, parseDatasetArgs } from "./dataset_args.ts";
import { annDistanceName } from "../dataset/ann_metric.ts";

const HELP = `akibench dataset info: print a dataset file's shape, metric, k and content hash

Usage: akibench dataset info FILE.hdf5

Reads the whole file, recomputes the content hash and checks it against the recorded one
(exit 2 with one line naming the problem when the file is corrupt or incomplete).`;

export const datasetInfoCommand: Subcommand = {
  name: "info",
  summary: "print shape, metric, k and content hash of a dataset file",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { positionals } = parseDatasetArgs("info", args, [], true);
    const path = onePositional("info", positionals);
    const { readRecordedDataset } = await import("../dataset/hdf5.ts");
    const { dataset, hashRecorded, params } = await readRecordedDataset(path);
    const lines = [
      `file:     ${path}`,
      `name:     ${dataset.name}`,
      `train:    ${dataset.size} × ${dataset.dim} float32`,
      `test:     ${dataset.queries} × ${dataset.dim} float32`,
      `metric:   ${dataset.metric} (distance=${annDistanceName(dataset.metric)})`,
      `k:        ${dataset.k}`,
      `hash:     ${dataset.hash} (${hashRecorded ? "matches the recorded hash" : "not recorded"})`,
    ];
    if (params) lines.push(`params:   ${params}`);
    console.log(lines.join("\n"));
    return 0;
  },
};
