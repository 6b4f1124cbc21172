import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../src/cli/main.ts";
import { makeRunResult } from "./fixtures/make_fixture.ts";

/** Runs the CLI, returning its exit code and what it printed to standard error. */
async function run(args: string[]): Promise<{ code: number; errors: string[] }> {
  const [log, error] = [console.log, console.error];
  const errors: string[] = [];
  console.log = () => {};
  console.error = (...a: unknown[]) => errors.push(a.join(" "));
  try {
    return { code: await main(args), errors };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

Deno.test("--out into a folder that cannot exist: one clear line and exit 2, for compare and report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "akibench-out-" });
  try {
    const run1 = join(dir, "a.json");
    await Deno.writeTextFile(
      run1,
      JSON.stringify(makeRunResult({ durationS: 5, seed: 3, baseQps: 20 })),
    );
    const file = join(dir, "file");
    await Deno.writeTextFile(file, "");
    const cases: [string[], RegExp][] = [
      [
        ["compare", run1, run1, "--out", join(dir, "missing", "x.html")],
        /^akibench compare: --out .*missing\/x\.html: folder .*missing does not exist$/,
      ],
      [["compare", run1, run1, "--out", dir], /^akibench compare: --out .*: is a folder/],
      [
        ["report", run1, "--out", join(file, "sub")],
        /^akibench report: --out .*file\/sub: cannot create the folder \(not a directory\)$/,
      ],
      [
        ["report", "--across", run1, run1, "--out", join(file, "sub")],
        /^akibench report: --out .*file\/sub: cannot create the folder/,
      ],
      [
        ["report", run1, "--out", file],
        /^akibench report: --out .*file: cannot create the folder \(exists and is not a folder\)$/,
      ],
    ];
    for (const [args, message] of cases) {
      const { code, errors } = await run(args);
      assert.equal(code, 2, args.join(" "));
      assert.equal(errors.length, 1, errors.join("\n"));
      assert.match(errors[0], message);
    }
    // Nothing was written beside the inputs, and a writable --out still works.
    assert.equal(await Deno.readTextFile(file), "");
    assert.equal((await run(["compare", run1, run1, "--out", join(dir, "c.md")])).code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
