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
/** Raising a priority (negative nice) takes root or CAP_SYS_NICE. */
const mayRaise = autogroup && Deno.uid() === 0;

/**
 * The fixture's report, run as akibench would be at nice `level`, in its own session. `nice -n`
 * adds to the caller's nice, so the adjustment is taken from this process's own (a suite run
 * under `nice -n 10` would otherwise start the fixture at 7, not -3).
 */
async function fixture(level: number): Promise<Map<string, string>> {
  const adjust = level - getPriority();
  const out = await new Deno.Command("setsid", {
    args: ["-w", "nice", "-n", String(adjust), Deno.execPath(), "run", "-A", FIXTURE],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]));
}

const group = (line: string) => {
  const [, id, nice] = /^(\S+) nice (-?\d+)$/.exec(line)!;
  return { id, nice: Number(nice) };
};

Deno.test({
  name: "embedded process: a server in its own session gets akibench's raised priority",
  ignore: !mayRaise,
  async fn() {
    const seen = await fixture(-3);
    const nice = Number(seen.get("nice"));
    assert.ok(nice < 0, `the fixture runs raised (nice ${nice})`);
    const server = group(seen.get("server")!);
    assert.notEqual(server.id, group(seen.get("own")!).id, "a scheduling group of its own");
    assert.equal(server.nice, nice);
    // carryNiceToSession on akibench's own pid: its own group is left alone.
    assert.equal(seen.get("self-carry"), "null");
    assert.equal(seen.get("own-after"), seen.get("own"));
  },
});

Deno.test({
  name: "embedded process: a lowered priority is not carried to the server's session",
  ignore: !autogroup,
  async fn() {
    const seen = await fixture(7);
    assert.ok(Number(seen.get("nice")) > 0);
    const server = group(seen.get("server")!);
    assert.notEqual(server.id, group(seen.get("own")!).id, "a scheduling group of its own");
    assert.equal(server.nice, 0);
  },
});
