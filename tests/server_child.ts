import assert from "node:assert/strict";
import { spawnServe } from "../src/cli/serve_process.ts";

/**
 * Starts `akibench serve --port 0 --data-dir DIR --checkpoint-wal-mb 1 [extra…]` as a child
 * process and waits for its one startup line. `from` runs another copy of akibench (its
 * src/cli/main.ts, with its folder as the working directory).
 */
export async function spawnServer(dataDir: string, extra: string[] = [], from?: string) {
  const started = await spawnServe(
    ["--data-dir", dataDir, "--checkpoint-wal-mb", "1", ...extra],
    { from },
  );
  assert.ok("url" in started, `server exited before listening: ${started.stderr}`);
  assert.equal(started.pid, started.child.pid);
  return { child: started.child, url: started.url };
}
