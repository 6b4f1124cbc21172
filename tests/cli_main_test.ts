import assert from "node:assert/strict";

const main = new URL("../src/cli/main.ts", import.meta.url).pathname;

async function cli(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("cli: --help lists only built commands; --version prints the version", async () => {
  const help = await cli("--help");
  assert.equal(help.code, 0);
  const listed = [...help.stdout.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]);
  assert.deepEqual(listed, [
    "run",
    "bench",
    "serve",
    "fsck",
    "dataset",
    "report",
    "compare",
    "merge",
    "reports",
  ]);
  const version = await cli("--version");
  assert.equal(version.code, 0);
  const { VERSION } = await import("../src/version.ts");
  assert.equal(version.stdout.trim(), VERSION);
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(VERSION, denoJson.version);
});

Deno.test("cli: unknown command or flag is one error line pointing at --help, exit 2", async () => {
  const unknown = await cli("frob");
  assert.equal(unknown.code, 2);
  assert.match(
    unknown.stderr,
    /^akibench: unknown command 'frob'; expected one of: run, .*compare.* \(see 'akibench --help'\)\n$/,
  );
  const typo = await cli("compre");
  assert.equal(
    typo.stderr,
    "akibench: unknown command 'compre'; did you mean 'compare'? (see 'akibench --help')\n",
  );
  const flag = await cli("run", "--bogus");
  assert.equal(flag.code, 2);
  assert.match(
    flag.stderr,
    /^akibench run: unknown option '--bogus'; expected one of: --target, --url, .*--serve.* \(see 'akibench run --help'\)\n$/,
  );
  const close = await cli("run", "--smok");
  assert.equal(
    close.stderr,
    "akibench run: unknown option '--smok'; did you mean '--smoke'? (see 'akibench run --help')\n",
  );
  const help = await cli("run", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--smoke/);
});

Deno.test("cli: each listed command loads the module that runs it, under its own name", async () => {
  const { commands } = await import("../src/cli/commands.ts");
  for (const entry of commands) {
    const command = await entry.load();
    assert.equal(command.name, entry.name);
    assert.ok(command.help.includes(`akibench ${entry.name}`), entry.name);
  }
});
