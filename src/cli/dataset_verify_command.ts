import type { Subcommand } from "./command.ts";
import { intFlag, onePositional, parseDatasetArgs } from "./dataset_args.ts";
import { UsageError } from "../usage/usage_error.ts";

const HELP = `akibench dataset verify: recompute the ground truth of sampled queries and compare

Usage: akibench dataset verify FILE.hdf5 [--sample N]

Options:
  --sample N   number of queries to check, spread evenly over the file (default 100)

An entry mismatches when its stored distance differs from the exact distance at that rank, or
from the real distance of its stored id (ties between equally distant ids are accepted).
Exit 0 when all checked entries agree, 1 on any mismatch, 2 when the file cannot be read.`;

const SHOWN = 10;

export const datasetVerifyCommand: Subcommand = {
  name: "verify",
  summary: "recompute the ground truth of sampled queries; exit 1 on mismatch",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseDatasetArgs("verify", args, ["sample"], true);
    const path = onePositional("verify", positionals);
    const sample = intFlag("sample", values.sample, 100);
    if (sample < 1) throw new UsageError(`--sample must be at least 1, got ${sample}`);
    const { readDataset } = await import("../dataset/hdf5.ts");
    const { sampleQueries, verifyGroundTruth } = await import("../dataset/verify.ts");
    const dataset = await readDataset(path);
    const report = await verifyGroundTruth(dataset, sampleQueries(dataset.queries, sample));
    const checked = `${report.checked.length} queries × k=${dataset.k}`;
    if (report.mismatches.length === 0) {
      console.log(`${path}: ground truth verified (${checked}, 0 mismatches)`);
      return 0;
    }
    for (const m of report.mismatches.slice(0, SHOWN)) {
      console.log(
        `query ${m.query} rank ${m.rank}: stored id ${m.storedId} distance ${m.storedDistance} ` +
          `(its real distance ${m.actualDistance}; exact distance at this rank ` +
          `${m.expectedDistance})`,
      );
    }
    const more = report.mismatches.length > SHOWN ? ` (first ${SHOWN} shown)` : "";
    console.log(
      `${path}: ${report.mismatches.length} ground-truth mismatches in ${checked}${more}`,
    );
    return 1;
  },
};
