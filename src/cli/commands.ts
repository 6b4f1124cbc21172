import type { Command } from "./command.ts";
import { benchCommand } from "./bench_command.ts";
import { compareCommand } from "./compare_command.ts";
import { datasetCommand } from "./dataset_command.ts";
import { fsckCommand } from "./fsck_command.ts";
import { mergeCommand } from "./merge_command.ts";
import { reportCommand } from "./report_command.ts";
import { reportsCommand } from "./reports_command.ts";
import { runCommand } from "./run_command.ts";
import { serveCommand } from "./serve_command.ts";

/**
 * Every built subcommand, in the order `--help` lists them. A command appears here only once it
 * works: planned but unbuilt commands are not listed.
 */
export const commands: Command[] = [
  runCommand,
  benchCommand,
  serveCommand,
  fsckCommand,
  datasetCommand,
  reportCommand,
  compareCommand,
  mergeCommand,
  reportsCommand,
];
