import { AkidbTarget } from "./akidb.ts";
import { EmbeddedProcess } from "./embedded_process.ts";
import { START_LINE } from "../server/start_line.ts";

const MAIN = decodeURIComponent(new URL("../cli/main.ts", import.meta.url).pathname);
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * The embedded reference server as a target: a child Deno process
 * (`deno run -A src/cli/main.ts serve --port 0 --data-dir <tmp>`) on a random port, stopped and
 * its data directory removed on close(). `pid` lets the sampler watch its RSS and CPU.
 *
 * It starts through EmbeddedProcess, the lifecycle of every server a run starts (chroma and
 * pglite too): its own session with akibench's nice (a terminal Ctrl-C reaches akibench only),
 * a startup timeout, its stderr kept for exitReport, stop() with a grace period. The tests' and
 * benchmarks' spawnServe (cli/serve_process.ts) is another lifecycle: the child stays in their
 * session, and a server that refuses to start hands back its exit code and stderr. Both read the
 * same start line (server/start_line.ts).
 */
export class ReferenceTarget extends AkidbTarget {
  override readonly name = "reference";
  readonly pid: number;
  readonly #server: EmbeddedProcess;

  private constructor(url: string, adminKey: string | undefined, server: EmbeddedProcess) {
    super(url, adminKey);
    this.pid = server.pid;
    this.#server = server;
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
    const server = new EmbeddedProcess(
      "reference server",
      Deno.execPath(),
      ["run", "-A", MAIN, "serve", "--port", "0", "--data-dir", dataDir, ...flags],
      { dataDir },
    );
    const [, url] = await server.waitForLine(START_LINE, STARTUP_TIMEOUT_MS);
    return new ReferenceTarget(url, adminKey, server);
  }

  /**
   * Exit status and the error the server printed last, once it has exited (waits up to 2 s for
   * a dying process); null while it runs.
   */
  exitReport(): Promise<string | null> {
    return this.#server.exitReport();
  }

  override async close(): Promise<void> {
    await super.close();
    await this.#server.stop();
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
