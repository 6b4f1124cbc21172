import { AkidbTarget } from "./akidb.ts";
import { type ReferenceExtensions, ReferenceTarget } from "./reference.ts";
import type { ScenarioTarget } from "./scenario_target.ts";

/** Names `--target` accepts. */
export const TARGET_NAMES = ["reference", "akidb"] as const;
export type TargetName = typeof TARGET_NAMES[number];

export interface TargetOptions {
  /** Server URL (required for akidb, refused for reference). */
  url?: string;
  /** Admin API key for extension routes (tenancy, tiering, faults). */
  apiKey?: string;
  /** Reference server only: which extensions to start it with. */
  extensions?: ReferenceExtensions;
}

/** An unknown target name or a missing/extra --url: the user's error. */
export class TargetConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetConfigError";
  }
}

/** Throws TargetConfigError for an unknown name or a missing/extra --url. */
export function checkTargetOptions(name: string, opts: TargetOptions = {}): void {
  if (name === "reference") {
    if (opts.url) throw new TargetConfigError("--url: the reference target starts its own server");
  } else if (name === "akidb") {
    if (!opts.url) throw new TargetConfigError("--target akidb needs --url http://HOST:PORT");
    if (!/^https?:\/\/[^/]+/.test(opts.url)) {
      throw new TargetConfigError(`--url: expected http://HOST:PORT, got "${opts.url}"`);
    }
  } else {
    throw new TargetConfigError(
      `--target: unknown target "${name}" (choose ${TARGET_NAMES.join(" or ")})`,
    );
  }
}

/** Opens a target by name: starts the embedded reference server or connects to a URL. */
export async function openTarget(name: string, opts: TargetOptions = {}): Promise<ScenarioTarget> {
  checkTargetOptions(name, opts);
  return name === "reference"
    ? await ReferenceTarget.start(opts.extensions)
    : new AkidbTarget(opts.url!, opts.apiKey);
}
