/**
 * The targets of one `run`: `--target NAME[=URL][,NAME[=URL]…]`, with `--url` as the URL of a
 * single target (the usage before several targets existed, unchanged).
 */
export interface TargetSpec {
  /** Unique within the run: the target name, or name-2, name-3… when a name repeats. */
  label: string;
  /** A registered target name (reference, akidb, …). */
  name: string;
  url?: string;
}

/** A malformed --target list or a --url that cannot be placed: the user's error. */
export class TargetSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetSpecError";
  }
}

/**
 * Parses `--target` (default "reference") and `--url`. Each comma-separated entry is a target
 * name, optionally followed by `=URL` (split at the first `=`, so URLs may hold `=` but not `,`).
 * `--url` applies to a single target; with several, each names its own URL.
 */
export function parseTargetSpecs(
  target: string | undefined,
  url: string | undefined,
): TargetSpec[] {
  const entries = (target ?? "reference").split(",").map((s) => s.trim());
  if (entries.some((s) => s === "")) {
    throw new TargetSpecError(`--target: empty entry in "${target}" (expected NAME[=URL],…)`);
  }
  const counts = new Map<string, number>();
  const specs = entries.map((entry): TargetSpec => {
    const eq = entry.indexOf("=");
    const name = eq < 0 ? entry : entry.slice(0, eq).trim();
    const own = eq < 0 ? undefined : entry.slice(eq + 1).trim();
    if (name === "") throw new TargetSpecError(`--target: "${entry}" has no target name`);
    if (own === "") throw new TargetSpecError(`--target: "${entry}" has an empty URL`);
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    return { label: n === 1 ? name : `${name}-${n}`, name, url: own };
  });
  if (url !== undefined) {
    if (specs.length > 1) {
      throw new TargetSpecError(
        "--url: with several targets give each its own URL as --target NAME=URL,…",
      );
    }
    if (specs[0].url !== undefined) {
      throw new TargetSpecError(`--url: the target already has a URL (${specs[0].url})`);
    }
    specs[0].url = url;
  }
  return specs;
}
