import { AkidbTarget } from "./akidb.ts";

const MAIN = decodeURIComponent(new URL("../cli/main.ts", import.meta.url).pathname);
const STARTUP = /listening on (http:\/\/\S+) \(pid (\d+)\)/;
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * The embedded reference server as a target: a child Deno process
 * (`deno run -A src/cli/main.ts serve --port 0 --data-dir <tmp>`) on a random port, stopped and
 * its data directory removed on close(). `pid` lets the sampler watch its RSS and CPU.
 */
export class ReferenceTarget extends AkidbTarget {
  override readonly name = "reference";
  readonly pid: number;
  readonly #child: Deno.ChildProcess;
  readonly #dataDir: string;
  readonly #stderr: Promise<string>;

  private constructor(
    url: string,
    adminKey: string | undefined,
    child: Deno.ChildProcess,
    dataDir: string,
    stderr: Promise<string>,
  ) {
    super(url, adminKey);
    this.pid = child.pid;
    this.#child = child;
    this.#dataDir = dataDir;
    this.#stderr = stderr;
  }

  /**
   * Starts the server with the extensions asked for (tenancy also gives audit; faults imply
   * tiering) and resolves once it prints its startup line. With tenancy, a fresh admin key is
   * passed to the server and used for every call that names no tenant key.
   */
  static async start(extensions: ReferenceExtensions = {}): Promise<ReferenceTarget> {
    const dataDir = await Deno.makeTempDir({ prefix: "akibench-reference-" });
    const adminKey = extensions.tenancy ? newApiKey() : undefined;
    const flags = [
      ...(adminKey ? ["--tenancy", "--admin-key", adminKey] : []),
      ...(extensions.tiering ? ["--tiering"] : []),
      ...(extensions.faults ? ["--faults"] : []),
      ...(extensions.resilienceTimeScale
        ? ["--resilience-time-scale", String(extensions.resilienceTimeScale)]
        : []),
    ];
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "serve", "--port", "0", "--data-dir", dataDir, ...flags],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      // Its own session: a terminal Ctrl-C reaches akibench only, which then finishes the run
      // (partial report, teardown) and stops the server itself.
      detached: true,
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), STARTUP_TIMEOUT_MS);
    try {
      while (true) {
        const m = STARTUP.exec(seen);
        if (m) {
          // Keep draining stdout so the server never blocks on a full pipe.
          (async () => {
            while (!(await reader.read()).done) { /* discard */ }
          })().catch(() => {});
          return new ReferenceTarget(m[1], adminKey, child, dataDir, stderr);
        }
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
      }
    } finally {
      clearTimeout(timer);
    }
    await child.status;
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    const why = (await stderr).trim().split("\n").slice(-3).join(" | ");
    throw new Error(`reference server did not start: ${why || "no startup line"}`);
  }

  /**
   * Exit status and the error the server printed last, once it has exited (waits up to 2 s for
   * a dying process); null while it runs.
   */
  async exitReport(): Promise<string | null> {
    const status = await this.#exitStatus(2000);
    if (status === null) return null;
    const how = status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
    const error = lastError(await this.#stderr.catch(() => ""));
    return `reference server exited (${how})${error ? `: ${error}` : ""}`;
  }

  override async close(): Promise<void> {
    await super.close();
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // Already exited.
    }
    if (await this.#exitStatus(5000) === null) {
      this.#child.kill("SIGKILL");
      await this.#child.status;
    }
    await this.#stderr.catch(() => "");
    await Deno.remove(this.#dataDir, { recursive: true }).catch(() => {});
  }

  /** The server's exit status once it has exited, or null if it still runs after `ms`. */
  async #exitStatus(ms: number): Promise<Deno.CommandStatus | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((r) => timer = setTimeout(() => r(null), ms));
    try {
      return await Promise.race([this.#child.status, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Which optional server features to switch on. */
export interface ReferenceExtensions {
  tenancy?: boolean;
  tiering?: boolean;
  faults?: boolean;
  /** Factor on retry backoff, breaker window and cooldown. */
  resilienceTimeScale?: number;
}

/** An AkiDB-style API key: `ak_` + 64 hex characters. */
function newApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return "ak_" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The last error a Deno process printed to stderr, colours stripped: its "error:" line and the
 * first two stack frames after it, joined with " | "; "" when none.
 */
export function lastError(stderr: string): string {
  // deno-lint-ignore no-control-regex
  const lines = stderr.replace(/\x1b\[[0-9;]*m/g, "").split("\n").map((l) => l.trim());
  const at = lines.findLastIndex((l) => l.startsWith("error:"));
  if (at < 0) return "";
  const frames = lines.slice(at + 1).filter((l) => l.startsWith("at ")).slice(0, 2);
  return [lines[at], ...frames].join(" | ");
}
