import { readProcessStatsSync } from "../../src/metrics/process_stats.ts";

/** A server child process and the URL it is listening on. */
export interface ChildServer {
  child: Deno.ChildProcess;
  url: string;
  /** Milliseconds from spawn until the server was reachable. */
  startMs: number;
}

/**
 * Spawns `command args` in `cwd` and waits until `ready(url)` succeeds. The URL comes from the
 * first stdout line matching `urlPattern` (group 1), or is `fixedUrl`.
 */
export async function spawnServer(
  command: string,
  args: string[],
  options: { cwd?: string; urlPattern?: RegExp; fixedUrl?: string; timeoutMs?: number },
): Promise<ChildServer> {
  const started = performance.now();
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let url = options.fixedUrl ?? "";
  const deadline = started + (options.timeoutMs ?? 120_000);
  while (!url) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${command} exited before listening: ${seen.slice(-500)}`);
    seen += value;
    url = options.urlPattern?.exec(seen)?.[1] ?? "";
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  while (performance.now() < deadline) {
    const ok = await fetch(url + (options.fixedUrl ? "/api/v2/heartbeat" : "/health"))
      .then((r) => (r.body?.cancel(), r.ok), () => false);
    if (ok) return { child, url, startMs: performance.now() - started };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`${command} did not become ready at ${url}`);
}

/** Resident set size of `pid` in bytes (Linux /proc; 0 when unreadable). */
export function rssBytes(pid: number): number {
  return (readProcessStatsSync(pid)?.rssMb ?? 0) * 1024 * 1024;
}

/** CPU seconds (user + system) `pid` has used so far (Linux /proc; NaN when unreadable). */
export function cpuSeconds(pid: number): number {
  return readProcessStatsSync(pid)?.cpuSeconds ?? NaN;
}
