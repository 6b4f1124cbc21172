import { parseFlags } from "./parse_flags.ts";
import { UsageError } from "../usage/usage_error.ts";

/**
 * Strict node:util parseArgs for a `dataset` subcommand whose flags all take a string value;
 * unknown or malformed flags become UsageErrors.
 */
export function parseDatasetArgs(
  subcommand: string,
  args: string[],
  flags: string[],
  allowPositionals: boolean,
): { values: Record<string, string | undefined>; positionals: string[] } {
  const options = Object.fromEntries(flags.map((f) => [f, { type: "string" as const }]));
  const { values, positionals } = parseFlags(args, options, allowPositionals, `${subcommand}: `);
  return { values: values as Record<string, string | undefined>, positionals };
}

/** An integer flag value (underscores allowed, e.g. 1_000_000), or `fallback` when absent. */
export function intFlag(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const text = String(value).replaceAll("_", "");
  const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new UsageError(`--${name} must be an integer, got '${value}'`);
  }
  return n;
}

/** Exactly one positional FILE argument, or a UsageError naming the subcommand. */
export function onePositional(subcommand: string, positionals: string[]): string {
  if (positionals.length !== 1) {
    throw new UsageError(`${subcommand}: expected one FILE argument, got ${positionals.length}`);
  }
  return positionals[0];
}

/** Throws unless `path` names an .hdf5/.h5 file in an existing folder. */
export async function checkOutputPath(path: string): Promise<void> {
  if (!/\.(hdf5|h5)$/i.test(path)) {
    throw new UsageError(`--out ${path}: the output file must end in .hdf5 or .h5`);
  }
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";
  const info = await Deno.stat(dir).catch(() => null);
  if (!info?.isDirectory) throw new UsageError(`--out ${path}: folder ${dir} does not exist`);
}
