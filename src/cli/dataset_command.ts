import type { Command, Subcommand } from "./command.ts";
import { datasetGenerateCommand } from "./dataset_generate_command.ts";
import { datasetImportCommand } from "./dataset_import_command.ts";
import { datasetInfoCommand } from "./dataset_info_command.ts";
import { datasetVerifyCommand } from "./dataset_verify_command.ts";
import { UsageError } from "../usage/usage_error.ts";

/** The `dataset` subcommands, in help order. */
export const SUBCOMMANDS: Subcommand[] = [
  datasetGenerateCommand,
  datasetImportCommand,
  datasetInfoCommand,
  datasetVerifyCommand,
];

const HELP = [
  "akibench dataset: generate, import, inspect and verify datasets with exact ground truth",
  "",
  "Usage: akibench dataset <subcommand> [options]   (akibench dataset <subcommand> --help)",
  "",
  "Subcommands:",
  ...SUBCOMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`),
  "",
  "Files use the ann-benchmarks HDF5 layout (train, test, neighbors, distances; attributes",
  "distance and dimension; 0-based ids). Errors: one line naming the file, exit 2.",
].join("\n");

export const datasetCommand: Command = {
  name: "dataset",
  help: HELP,
  handlesHelp: true,
  run(args: string[]): Promise<number> {
    const [name, ...rest] = args;
    if (name === undefined || name === "--help" || name === "-h") {
      console.log(HELP);
      return Promise.resolve(name === undefined ? 2 : 0);
    }
    const sub = SUBCOMMANDS.find((c) => c.name === name);
    if (!sub) {
      throw new UsageError(
        `unknown subcommand '${name}' (expected generate, import, info, verify)`,
      );
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log(sub.help);
      return Promise.resolve(0);
    }
    return sub.run(rest);
  },
};
