import assert from "node:assert/strict";
import { join } from "node:path";

/**
 * The alert rules checked and unit-tested by the real promtool (Debian package `prometheus`;
 * .ci/run installs it). The unit tests in alerts/tests/ feed series and expect each alert to fire
 * on one and stay quiet on its neighbour.
 */

async function promtool(args: string[], cwd?: string): Promise<{ ok: boolean; out: string }> {
  const { success, stdout, stderr } = await new Deno.Command("promtool", { args, cwd }).output();
  const text = new TextDecoder();
  return { ok: success, out: text.decode(stdout) + text.decode(stderr) };
}

Deno.test("promtool check rules: both rule files are valid", async () => {
  for (const file of ["alerts/akibench_live.rules.yml", "alerts/akibench.rules.yml"]) {
    const r = await promtool(["check", "rules", file]);
    assert.ok(r.ok, r.out);
    assert.match(r.out, /SUCCESS: 3 rules found/);
  }
});

Deno.test("promtool test rules: the live alerts fire and stay quiet as the unit tests expect", async () => {
  const r = await promtool(["test", "rules", "akibench_live.test.yml"], "alerts/tests");
  assert.ok(r.ok, r.out);
  assert.match(r.out, /SUCCESS/);
});

Deno.test("promtool test rules: the unit tests fail when a threshold is wrong", async () => {
  // A copy of the rules with each limit moved: the tests must notice every one.
  const rules = await Deno.readTextFile("alerts/akibench_live.rules.yml");
  const tests = await Deno.readTextFile("alerts/tests/akibench_live.test.yml");
  const mutations: [string, string][] = [
    ["> 0.01", "> 0.025"],
    ["> 10 * 1048576 / 60", "> 30 * 1048576 / 60"],
    ["histogram_quantile(0.95,", "histogram_quantile(0.5,"],
  ];
  for (const [from, to] of mutations) {
    assert.ok(rules.includes(from), from);
    const dir = await Deno.makeTempDir({ prefix: "akibench-rules-" });
    try {
      await Deno.mkdir(join(dir, "tests"));
      await Deno.writeTextFile(join(dir, "akibench_live.rules.yml"), rules.replace(from, to));
      await Deno.writeTextFile(join(dir, "tests", "akibench_live.test.yml"), tests);
      const r = await promtool(
        ["test", "rules", "akibench_live.test.yml"],
        join(dir, "tests"),
      );
      assert.ok(!r.ok, `${from} → ${to} went unnoticed:\n${r.out}`);
      assert.match(r.out, /FAILED/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});
