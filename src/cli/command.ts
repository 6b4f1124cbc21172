/** One CLI subcommand. `run` gets the arguments after the command name and returns the exit code. */
export interface Command {
  name: string;
  /** Full help text printed for `akibench <name> --help`. */
  help: string;
  /** When true, `--help` after the command name reaches `run` (for subcommands' own help). */
  handlesHelp?: boolean;
  run(args: string[]): Promise<number>;
}

/** A `dataset` subcommand, listed with its one-line summary in `akibench dataset --help`. */
export interface Subcommand extends Command {
  summary: string;
}
