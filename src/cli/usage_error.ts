/**
 * An error the user caused (bad flag, bad file, bad value). The CLI prints its message as one
 * line and exits with code 2; nothing half-written is left behind.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
