import type { Command } from "./command.ts";

/** A subcommand as `--help` lists it; its module is imported only when it runs. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/**
 * Every built subcommand, in the order `--help` lists them. A command appears here only once it
 * works: planned but unbuilt commands are not listed. Each is loaded on use, so `akibench serve`
 * does not hold the engine, the report renderer and Chart.js in memory (~65 MB of RSS, which the
 * seed's 1k-vector memory limit of 100 MB counts).
 */
export const commands: CommandEntry[] = [
  {
    name: "run",
    summary: "run scenarios against a target (reference server, AkiDB, Chroma or pgvector)",
    load: async () => (await import("./run_command.ts")).runCommand,
  },
  {
    name: "bench",
    summary: "run the smoke suite of all eight scenarios against the embedded server",
    load: async () => (await import("./bench_command.ts")).benchCommand,
  },
  {
    name: "serve",
    summary: "run the AkiDB-compatible reference server",
    load: async () => (await import("./serve_command.ts")).serveCommand,
  },
  {
    name: "fsck",
    summary: "check a reference server data directory offline",
    load: async () => (await import("./fsck_command.ts")).fsckCommand,
  },
  {
    name: "dataset",
    summary: "generate, import, inspect and verify datasets",
    load: async () => (await import("./dataset_command.ts")).datasetCommand,
  },
  {
    name: "report",
    summary: "re-render reports (HTML, Markdown, JUnit, OpenMetrics, JSONL) from RunResults",
    load: async () => (await import("./report_command.ts")).reportCommand,
  },
  {
    name: "compare",
    summary: "compare two runs or suites; exit 1 on a regression beyond tolerance",
    load: async () => (await import("./compare_command.ts")).compareCommand,
  },
  {
    name: "merge",
    summary: "merge a sharded run's shard results into one run and its reports",
    load: async () => (await import("./merge_command.ts")).mergeCommand,
  },
  {
    name: "reports",
    summary: "serve the saved reports in reports/ (index, runs, raw JSON, compare)",
    load: async () => (await import("./reports_command.ts")).reportsCommand,
  },
];
