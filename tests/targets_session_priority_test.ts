import assert from "node:assert/strict";
import { getPriority } from "node:os";

const FIXTURE = new URL("./fixtures/embedded_nice_child.ts", import.meta.url).pathname;
const autogroup = (() => {
  try {
    Deno.statSync("/proc/self/autogroup");
    return true;
  } catch {
    return false;
  }
})();

/** The fixture's report, run as akibench would be under `nice -n 7`, in a session of its own. */
async function fixture(): Promise<Map<string, string>> {
  const out = await new Deno.Command("setsid", {
    args: ["-w", "nice", "-n", "7", Deno.execPath(), "run", "-A", FIXTURE],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]));
}

Deno.test({
  name: "embedded process: a server in its own session runs at akibench's nice",
  ignore: !autogroup,
  async fn() {
    const seen = await fixture();
    const group = (line: string) => /^(\S+) nice (-?\d+)$/.exec(line)!;
    const [, own] = group(seen.get("own")!);
    const [, server, serverNice] = group(seen.get("server")!);
    assert.notEqual(server, own, "the server has a session (scheduling group) of its own");
    assert.equal(Number(serverNice), Math.min(19, getPriority() + 7));
  },
});

Deno.test({
  name: "embedded process: akibench's own scheduling group is left alone",
  ignore: !autogroup,
  async fn() {
    const seen = await fixture();
    assert.equal(seen.get("self-carry"), "null");
    assert.equal(seen.get("own-after"), seen.get("own"));
  },
});
