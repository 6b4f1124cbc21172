import { START_LINE } from "../server/start_line.ts";

const MAIN = decodeURIComponent(new URL("./main.ts", import.meta.url).pathname);

export interface ServeProcessOptions {
  /** Another copy of akibench: its src/cli/main.ts runs, with its folder as working directory. */
  from?: string;
  /** Deno flags before the script (e.g. `--v8-flags=--expose-gc`). */
  denoFlags?: string[];
  env?: Record<string, string>;
  /** The child's stderr: passed through (default), or collected for a refusal's message. */
  stderr?: "inherit" | "piped";
}

/** A running `akibench serve` child. `stderr()` is what it wrote so far (when piped). */
export interface ServeProcess {
  child: Deno.ChildProcess;
  url: string;
  pid: number;
  stderr: () => string;
}

/** A server that exited before it listened: its exit code and (piped) stderr. */
export interface ServeRefusal {
  code: number;
  stderr: string;
}

/**
 * Spawns `akibench serve --port 0 …args` as a child process and reads its start line: the one
 * function the tests and benchmarks start the reference server with. Resolves with the URL once
 * it listens (stdout is released, the child keeps running), or with the exit code and stderr
 * when it exits first (a refused data directory, a bad flag).
 */
export async function spawnServe(
  args: string[],
  options: ServeProcessOptions = {},
): Promise<ServeProcess | ServeRefusal> {
  const main = options.from === undefined ? MAIN : `${options.from}/src/cli/main.ts`;
  const child = new Deno.Command(Deno.execPath(), {
    cwd: options.from,
    args: ["run", "-A", ...options.denoFlags ?? [], main, "serve", "--port", "0", ...args],
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: options.stderr ?? "inherit",
  }).spawn();
  let stderr = "";
  const stderrDone = options.stderr === "piped"
    ? child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({ write: (chunk) => void (stderr += chunk) }),
    )
    : Promise.resolve();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) {
      const { code } = await child.status;
      await stderrDone;
      return { code, stderr: stderr || text };
    }
    text += value;
  }
  reader.releaseLock();
  const match = START_LINE.exec(text);
  if (match === null) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`akibench serve printed no start line: ${text}`);
  }
  return { child, url: match[1], pid: Number(match[2]), stderr: () => stderr };
}
