import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { didYouMean } from "../usage/did_you_mean.ts";
import { UsageError } from "../usage/usage_error.ts";

/**
 * node:util parseArgs with strict: true (unknown flags are errors); a parse error becomes a
 * UsageError, its message after `prefix`.
 */
export function parseFlags<T extends ParseArgsOptionsConfig>(
  args: string[],
  options: T,
  allowPositionals: boolean,
  prefix = "",
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (err) {
    // node's messages carry a paragraph of advice after the first sentence; keep the first.
    let message = (err as Error).message.split(". ")[0];
    const unknown = /^Unknown option '--?([^']+)'/.exec(message);
    if (unknown) {
      message += didYouMean(unknown[1], Object.keys(options), (name) => `--${name}`);
    }
    throw new UsageError(prefix + message.charAt(0).toLowerCase() + message.slice(1), true);
  }
}

/** An integer flag value in min..max, or undefined when the flag is absent. */
export function intFlagInRange(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer in ${min}..${max}, got '${value}'`, true);
  }
  return n;
}
