/** One CLI subcommand. `run` gets the arguments after the command name and returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  /** Full help text printed for `akibench <name> --help`. */
  help: string;
  run(args: string[]): Promise<number>;
}
