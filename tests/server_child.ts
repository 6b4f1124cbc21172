import assert from "node:assert/strict";

/**
 * Starts `akibench serve --port 0 --data-dir DIR --checkpoint-wal-mb 1 [extra…]` as a child
 * process and waits for its one startup line. `from` runs another copy of akibench (its
 * src/cli/main.ts, with its folder as the working directory).
 */
export async function spawnServer(dataDir: string, extra: string[] = [], from?: string) {
  const main = from === undefined
    ? new URL("../src/cli/main.ts", import.meta.url).pathname
    : `${from}/src/cli/main.ts`;
  const child = new Deno.Command(Deno.execPath(), {
    cwd: from,
    args: [
      "run",
      "-A",
      main,
      "serve",
      "--port",
      "0",
      "--data-dir",
      dataDir,
      "--checkpoint-wal-mb",
      "1",
      ...extra,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited before listening: ${text}`);
    text += value;
  }
  const match = /^akibench reference server listening on (http:\/\/\S+) \(pid (\d+)\)\n$/.exec(
    text,
  );
  assert.ok(match, `unexpected startup line: ${text}`);
  assert.equal(Number(match[2]), child.pid);
  reader.releaseLock();
  return { child, url: match[1] };
}
