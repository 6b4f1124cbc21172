import assert from "node:assert/strict";
import { cliInProcess } from "./cli_in_process.ts";
import { defaultReportDir, parseRunFlags } from "../src/cli/run_command.ts";
import { UsageError } from "../src/usage/usage_error.ts";
import { checkReportFolder } from "../src/cli/report_folder.ts";
import { exitCodeFor } from "../src/run/run_suite.ts";
import { suiteStatus } from "../src/result/suite_status.ts";
import type { RunResult, RunStatus } from "../src/result/run_result.ts";

Deno.test("akibench run: config errors exit 2 with one line naming the problem", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = `${dir}/bad.yaml`;
    await Deno.writeTextFile(bad, "name: X\nload: { type: constant, qps: fast }\n");
    const cases: [string[], RegExp][] = [
      [["run", bad], /bad\.yaml: load\.qps: expected a positive number, got "fast"$/],
      [
        ["run", "no_such_scenario"],
        /no bundled scenario 'no_such_scenario'; expected one of: baseline, /,
      ],
      [["run", "baseline", "--target", "milvus"], /--target: unknown target "milvus"/],
      [["run", "baseline", "--target", "akidb"], /--target akidb needs --url/],
      [["run", "baseline", "--url", "http://x:1"], /reference target starts its own server/],
      [["run", "baseline", "--resource-metrics", "node:9100"], /--resource-metrics: expected/],
      [["run", "baseline", "--seed", "abc"], /--seed: expected an integer, got "abc"/],
      [["run", "baseline", "--repeat", "0"], /--repeat: expected a whole number from 1 to 100/],
      [["run", "baseline", "--repeat", "2.5"], /--repeat: expected a whole number .*"2\.5"/],
      [["run", "baseline", "--smoke", "--full"], /exclude each other/],
      [["run", "baseline", "--bogus"], /bogus/],
      [["run"], /name at least one scenario/],
      [["bench", "extra"], /extra/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await cliInProcess(args);
      assert.equal(code, 2, args.join(" "));
      assert.match(stderr, message, args.join(" "));
      assert.equal(stderr.split("\n").length, 1, "one line");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("akibench run --out: a folder holding files is refused unless --force", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/baseline.json`, "earlier run");
    const { code, stderr } = await cliInProcess(["run", "baseline", "--smoke", "--out", dir]);
    assert.equal(code, 2);
    assert.match(stderr, /--out .*: folder already holds reports \(.*--force to overwrite\)$/);
    assert.equal(stderr.split("\n").length, 1, "one line");
    assert.equal(await Deno.readTextFile(`${dir}/baseline.json`), "earlier run", "untouched");
    await checkReportFolder(dir, true);
    await checkReportFolder(`${dir}/fresh`, false);
    await Deno.mkdir(`${dir}/empty`);
    await checkReportFolder(`${dir}/empty`, false);
    await assert.rejects(checkReportFolder(`${dir}/baseline.json`, false), /not a folder/);
    assert.equal(parseRunFlags(["--force"], false).flags.force, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run flags: defaults and values", () => {
  const { flags, positionals } = parseRunFlags(
    ["a", "b", "--smoke", "--seed", "7", "--keep", "--out", "o"],
    true,
  );
  assert.deepEqual(positionals, ["a", "b"]);
  assert.equal(flags.profile, "smoke");
  assert.equal(flags.seed, 7);
  assert.equal(flags.keep, true);
  assert.equal(flags.out, "o");
  assert.equal(flags.target, "reference");
  assert.equal(flags.force, false);
  assert.equal(parseRunFlags([], false).flags.profile, "full");
  assert.throws(() => parseRunFlags(["x"], false), UsageError);
  assert.equal(
    defaultReportDir(new Date("2026-11-28T07:55:01.123Z")),
    "reports/2026-11-28T07-55-01Z",
  );
});

Deno.test("suite status and exit codes: skipped never fails, invalid beats failed", () => {
  const runs = (...s: RunStatus[]) => s.map((status) => ({ status }) as RunResult);
  assert.equal(suiteStatus(runs("passed", "skipped"), false), "passed");
  assert.equal(suiteStatus(runs("skipped", "skipped"), false), "skipped");
  assert.equal(suiteStatus(runs("passed", "failed", "skipped"), false), "failed");
  assert.equal(suiteStatus(runs("failed", "invalid"), false), "invalid");
  assert.equal(suiteStatus(runs("passed"), true), "interrupted");
  assert.equal(exitCodeFor("passed"), 0);
  assert.equal(exitCodeFor("skipped"), 0);
  assert.equal(exitCodeFor("failed"), 1);
  assert.equal(exitCodeFor("invalid"), 3);
  assert.equal(exitCodeFor("interrupted"), 130);
});

Deno.test("akibench run against an unreachable target: one line with the reason, exit 3, no zeros; each scenario's reports and the index are written when it ends", async () => {
  // A port that was just free: nothing listens there.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const dir = await Deno.makeTempDir();
  const out = `${dir}/r`;
  const exists = (p: string) => Deno.statSync(p) && true;
  const logged: string[] = [];
  const onDiskWhenLogged: string[] = [];
  const indexWhenLogged: string[] = [];
  const original = console.log;
  console.log = (...a: unknown[]) => {
    const line = a.join(" ");
    logged.push(line);
    if (line.startsWith("Report: ")) {
      onDiskWhenLogged.push(
        [...Deno.readDirSync(out)].map((e) => e.name).filter((n) => !n.includes(".tmp")).sort()
          .join(" "),
      );
      indexWhenLogged.push(Deno.readTextFileSync(`${out}/index.html`));
    }
  };
  try {
    const url = `http://127.0.0.1:${port}`;
    const { code } = await cliInProcess([
      "run",
      "baseline",
      "spike",
      "--smoke",
      "--target",
      "akidb",
      "--url",
      url,
      "--out",
      out,
    ]);
    assert.equal(code, 3);
    const text = logged.join("\n");
    assert.match(
      text,
      /^baseline: ⚠️ INVALID, no load was sent: target unreachable: GET \/api\/v1\/capabilities: connect 127\.0\.0\.1:\d+: Connection refused/m,
    );
    assert.ok(!text.includes("Latency"), text);
    assert.ok(!text.includes("P50"), text);
    assert.deepEqual(onDiskWhenLogged, [
      "baseline.html baseline.json baseline.md index.html junit.xml suite.json summary.md",
      "baseline.html baseline.json baseline.md index.html junit.xml spike.html spike.json spike.md suite.json summary.md",
    ], "each scenario's reports and the suite's index are on disk when it ends");
    // After the first scenario the index lists it and names the one still to run.
    assert.match(indexWhenLogged[0], /<h1>akibench suite: 1 of 2 scenarios finished<\/h1>/);
    assert.match(indexWhenLogged[0], /href="baseline\.html"/);
    assert.match(indexWhenLogged[0], /not finished then: <code>spike<\/code>/);
    assert.ok(!indexWhenLogged[0].includes('href="spike.html"'));
    const final = JSON.parse(await Deno.readTextFile(`${out}/suite.json`));
    assert.equal(final.pending, undefined, "the suite's own end rewrote it without pending");
    const index = await Deno.readTextFile(`${out}/index.html`);
    assert.ok(index.includes('href="spike.html"') && !index.includes('id="pending"'), index);
    assert.ok(logged.includes(`Report: ${out}/baseline.html\n`), text);
    assert.equal(logged[logged.length - 1], `Open ${out}/index.html (all reports are in ${out})`);
    assert.ok(exists(`${out}/index.html`));
    const html = await Deno.readTextFile(`${out}/baseline.html`);
    assert.ok(html.includes("target unreachable"));
    assert.ok(!html.includes('id="overview"'), "no table of zeros in the HTML report");
  } finally {
    console.log = original;
    await Deno.remove(dir, { recursive: true });
  }
});
