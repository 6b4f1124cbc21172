import { AkidbTarget } from "./akidb.ts";
import { ChromaTarget } from "./chroma.ts";
import { startChroma } from "./chroma_server.ts";
import { startPglite } from "./pglite_embedded.ts";
import { PgvectorTarget } from "./pgvector.ts";
import { type ReferenceExtensions, ReferenceTarget } from "./reference.ts";
import type { ScenarioTarget } from "./scenario_target.ts";

/** Names `--target` accepts. */
export const TARGET_NAMES = ["reference", "akidb", "chroma", "pgvector"] as const;
export type TargetName = typeof TARGET_NAMES[number];

export interface TargetOptions {
  /** Server URL (required for akidb, refused for reference, optional for chroma and pgvector). */
  url?: string;
  /** Admin API key for extension routes (tenancy, tiering, faults). */
  apiKey?: string;
  /** Reference server only: which extensions to start it with. */
  extensions?: ReferenceExtensions;
  /** Chroma at --url: tenant and database (Chroma's defaults when absent). */
  chromaTenant?: string;
  chromaDatabase?: string;
  /** pgvector at --url: connections in the pool (the scenario's in-flight limit). */
  poolSize?: number;
}

/** An unknown target name or a missing/extra --url: the user's error. */
export class TargetConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetConfigError";
  }
}

/** Throws TargetConfigError for an unknown name or a missing, extra or malformed --url. */
export function checkTargetOptions(name: string, opts: TargetOptions = {}): void {
  const http = (url: string) => {
    if (!/^https?:\/\/[^/]+/.test(url)) {
      throw new TargetConfigError(`--url: expected http://HOST:PORT, got "${url}"`);
    }
  };
  if ((opts.chromaTenant || opts.chromaDatabase) && !(name === "chroma" && opts.url)) {
    throw new TargetConfigError(
      "--chroma-tenant/--chroma-database: only with --target chroma --url (the embedded Chroma " +
        "uses its default tenant and database)",
    );
  }
  if (name === "reference") {
    if (opts.url) throw new TargetConfigError("--url: the reference target starts its own server");
  } else if (name === "akidb") {
    if (!opts.url) throw new TargetConfigError("--target akidb needs --url http://HOST:PORT");
    http(opts.url);
  } else if (name === "chroma") {
    if (opts.url) http(opts.url);
  } else if (name === "pgvector") {
    if (opts.url && !/^postgres(ql)?:\/\/[^/]+/.test(opts.url)) {
      throw new TargetConfigError(
        `--url: expected postgres://USER:PASS@HOST:PORT/DB, got "${opts.url}"`,
      );
    }
  } else {
    throw new TargetConfigError(
      `--target: unknown target "${name}" (choose ${TARGET_NAMES.join(", ")})`,
    );
  }
}

/**
 * Opens a target by name: starts an embedded server (the reference server; Chroma or PGlite
 * with pgvector when no --url is given) or connects to a URL.
 */
export async function openTarget(name: string, opts: TargetOptions = {}): Promise<ScenarioTarget> {
  checkTargetOptions(name, opts);
  switch (name as TargetName) {
    case "reference":
      return await ReferenceTarget.start(opts.extensions);
    case "akidb":
      return new AkidbTarget(opts.url!, opts.apiKey);
    case "chroma":
      return opts.url
        ? await ChromaTarget.connect(opts.url, {
          tenant: opts.chromaTenant,
          database: opts.chromaDatabase,
        })
        : await startChroma();
    case "pgvector":
      return opts.url
        ? await PgvectorTarget.connect(opts.url, { poolSize: opts.poolSize ?? 10 })
        : await startPglite();
  }
}
