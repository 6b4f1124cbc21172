import { carryNiceToSession } from "./session_priority.ts";

const STOP_GRACE_MS = 5000;

/**
 * A database server akibench started on this machine for one scenario: its pid (the server
 * process itself, for the RSS/CPU sampler), its stderr for a failure's last words, and stop()
 * (SIGTERM, SIGKILL after a grace period, then its data directory removed). It runs in its own session, so a terminal Ctrl-C
 * reaches akibench only, which finishes the run and stops the server itself. That session's
 * scheduling group gets akibench's nice (carryNiceToSession): a server must get the CPU priority
 * akibench was given, as a child in akibench's own session would.
 */
export class EmbeddedProcess {
  readonly pid: number;
  readonly #child: Deno.ChildProcess;
  readonly #stderr: Promise<string>;
  readonly #stdout: ReadableStreamDefaultReader<string>;

  readonly #dataDir?: string;

  /** `dataDir`: the server's data directory, removed once it has stopped. */
  constructor(
    readonly label: string,
    command: string,
    args: string[],
    options: { cwd?: string; dataDir?: string } = {},
  ) {
    this.#dataDir = options.dataDir;
    this.#child = new Deno.Command(command, {
      args,
      cwd: options.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
    this.pid = this.#child.pid;
    // spawn returns once the child has exec'd, so its setsid is done and its session is its own.
    const unprioritized = carryNiceToSession(this.pid);
    if (unprioritized) console.error(`akibench: ${label}: ${unprioritized}`);
    this.#stderr = new Response(this.#child.stderr).text();
    this.#stdout = this.#child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  }

  /**
   * Resolves with the first match of `pattern` in stdout, then keeps draining stdout so the
   * server never blocks on a full pipe. Throws (and kills the process) when it exits first or
   * `timeoutMs` passes.
   */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    let seen = "";
    const timer = setTimeout(() => this.#kill("SIGKILL"), timeoutMs);
    try {
      while (true) {
        const m = pattern.exec(seen);
        if (m) {
          this.#drain();
          return m;
        }
        const { value, done } = await this.#stdout.read();
        if (done) break;
        seen += value;
      }
    } finally {
      clearTimeout(timer);
    }
    throw new Error(`${this.label} did not start: ${await this.#failure()}`);
  }

  /**
   * Drains stdout and polls `ready` every 100 ms until it is true. Throws (and kills the
   * process) when the process exits first or `timeoutMs` passes.
   */
  async waitUntil(ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    this.#drain();
    const deadline = performance.now() + timeoutMs;
    let exited = false;
    this.#child.status.then(() => exited = true);
    while (!exited && performance.now() < deadline) {
      if (await ready()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!exited) this.#kill("SIGKILL");
    throw new Error(`${this.label} did not start: ${await this.#failure()}`);
  }

  /** How the process ended, with the error it printed last; null while it runs (waits ≤ 2 s). */
  async exitReport(): Promise<string | null> {
    const status = await this.#exitStatus(2000);
    if (status === null) return null;
    const how = status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
    const error = lastError(await this.#stderr.catch(() => ""));
    return `${this.label} exited (${how})${error ? `: ${error}` : ""}`;
  }

  async stop(): Promise<void> {
    this.#kill("SIGTERM");
    if (await this.#exitStatus(STOP_GRACE_MS) === null) {
      this.#kill("SIGKILL");
      await this.#child.status;
    }
    await this.#stderr.catch(() => "");
    if (this.#dataDir) await Deno.remove(this.#dataDir, { recursive: true }).catch(() => {});
  }

  #drain(): void {
    (async () => {
      while (!(await this.#stdout.read()).done) { /* discard */ }
    })().catch(() => {});
  }

  #kill(signal: Deno.Signal): void {
    try {
      this.#child.kill(signal);
    } catch {
      // Already exited.
    }
  }

  /** Why the process did not start (once it has exited); removes its data directory. */
  async #failure(): Promise<string> {
    const status = await this.#child.status;
    const stderr = await this.#stderr.catch(() => "");
    if (this.#dataDir) await Deno.remove(this.#dataDir, { recursive: true }).catch(() => {});
    const why = lastError(stderr) || lastLines(stderr);
    return why || `exited with ${status.signal ?? `code ${status.code}`} and printed nothing`;
  }

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

/**
 * The last error a Deno process printed to stderr, colours stripped: its "error:" line and the
 * first two stack frames after it, joined with " | "; "" when none.
 */
export function lastError(stderr: string): string {
  const lines = plainLines(stderr);
  const at = lines.findLastIndex((l) => l.startsWith("error:"));
  if (at < 0) return "";
  const frames = lines.slice(at + 1).filter((l) => l.startsWith("at ")).slice(0, 2);
  return [lines[at], ...frames].join(" | ");
}

/** The last three non-empty stderr lines joined with " | " (a failure that is no Deno error). */
function lastLines(stderr: string): string {
  return plainLines(stderr).filter((l) => l !== "").slice(-3).join(" | ").slice(0, 500);
}

function plainLines(text: string): string[] {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "").split("\n").map((l) => l.trim());
}

/** A TCP port free on 127.0.0.1 right now (for servers that cannot listen on port 0). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
