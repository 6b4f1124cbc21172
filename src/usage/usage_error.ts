/**
 * An error the user caused (bad flag, bad file, bad value). The CLI prints its message as one
 * line and exits with code 2; nothing half-written is left behind. `pointToHelp` marks errors in
 * the command line itself (unknown flag, bad flag value), whose line ends with a pointer to the
 * command's --help.
 */
export class UsageError extends Error {
  constructor(message: string, readonly pointToHelp = false) {
    super(message);
    this.name = "UsageError";
  }
}
