/**
 * The real `akibench serve` and `akibench fsck` processes on a data directory, and what the
 * storage tests check around them: a fingerprint of every file, a refusal's one line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { call } from "./server_http_client.ts";
import { spawnServe } from "../src/cli/serve_process.ts";

const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;
export type Started = { child: Deno.ChildProcess; url: string; stderr: () => string };
export type Refused = { code: number; stderr: string };

/** Runs `akibench serve` on `dataDir`: the running server, or the exit code and stderr. */
export async function start(
  dataDir: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<Started | Refused> {
  const result = await spawnServe(["--data-dir", dataDir, ...extra], { env, stderr: "piped" });
  return "url" in result ? { child: result.child, url: result.url, stderr: result.stderr } : result;
}

export async function started(dataDir: string, extra: string[] = [], env = {}): Promise<Started> {
  const result = await start(dataDir, extra, env);
  assert.ok("url" in result, `server did not start: ${"stderr" in result && result.stderr}`);
  return result;
}

export async function stop(server: Started, signal: Deno.Signal): Promise<void> {
  server.child.kill(signal);
  await server.child.status;
  await server.child.stdout.cancel().catch(() => {});
}

/** Path → SHA-256 of every file under `dir`. */
export async function fingerprint(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      for (const [p, h] of await fingerprint(path)) out.set(p, h);
    } else {
      const hash = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
      out.set(path, Array.from(new Uint8Array(hash), (b) => b.toString(16)).join(""));
    }
  }
  return out;
}

/** Starts the server on `dataDir`, expecting a refusal naming `file` (and `offset`). */
export async function assertRefused(
  dataDir: string,
  file: string,
  offset: number | null,
  what: RegExp,
) {
  const before = await fingerprint(dataDir);
  const result = await start(dataDir);
  assert.ok("code" in result, `server started on a damaged data dir (${file})`);
  assert.equal(result.code, 1, result.stderr);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line, no stack trace: ${result.stderr}`);
  assert.ok(lines[0].startsWith(`akibench serve: ${join(dataDir, file)}: `), lines[0]);
  if (offset !== null) assert.ok(lines[0].includes(`: at byte ${offset}: `), lines[0]);
  assert.match(lines[0], what);
  assert.deepEqual(await fingerprint(dataDir), before, "the refused start changed the data dir");
}

export async function copyDir(from: string): Promise<string> {
  const to = await Deno.makeTempDir({ prefix: "akibench-damage-" });
  const { success } = await new Deno.Command("cp", { args: ["-a", `${from}/.`, to] }).output();
  assert.ok(success);
  return to;
}

export async function documentCount(url: string, id: string): Promise<number> {
  return (await call(url, "GET", `/api/v1/collections/${id}`)).body.collection.document_count;
}

export async function fsck(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "fsck", ...args],
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}
