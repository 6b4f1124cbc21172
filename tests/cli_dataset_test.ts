import assert from "node:assert/strict";
import h5wasm from "h5wasm/node";
import { SUBCOMMANDS } from "../src/cli/dataset_command.ts";

const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;

async function akibench(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "dataset", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  // Deno's own notice when another deno process holds the node_modules lock is not ours.
  const stderr = decoder.decode(out.stderr).split("\n")
    .filter((line) => !line.startsWith("Blocking waiting for file lock")).join("\n");
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr };
}

/** Runs the invocations one after another (parallel deno processes contend for locks). */
async function each(...invocations: string[][]) {
  const results = [];
  for (const args of invocations) results.push(await akibench(...args));
  return results;
}

function entries(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

/** Exit 2, exactly one stderr line matching `message`, nothing on stdout. */
function assertUsageError(result: Awaited<ReturnType<typeof akibench>>, message: RegExp) {
  assert.equal(result.code, 2, result.stderr);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], message);
  assert.equal(result.stdout, "");
}

const SMALL = ["--size", "600", "--dim", "12", "--queries", "15", "--k", "8", "--seed", "3"];

Deno.test("generate → info → verify; same content hash across runs; verify exits 1 or 2", async () => {
  const dir = await Deno.makeTempDir();
  const [a, b] = await each(
    ["generate", ...SMALL, "--metric", "l2", "--clusters", "4", "--out", `${dir}/a.hdf5`],
    ["generate", ...SMALL, "--metric", "l2", "--clusters", "4", "--out", `${dir}/b.h5`],
  );
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(a.stderr, "", "no progress output when stderr is not a terminal");
  const hash = /hash ([0-9a-f]{64})/.exec(a.stdout)?.[1];
  assert.ok(hash, a.stdout);
  assert.equal(/hash ([0-9a-f]{64})/.exec(b.stdout)?.[1], hash);
  assert.deepEqual(entries(dir), ["a.hdf5", "b.h5"]);

  // b.h5: a changed neighbour under the recorded hash is a corrupt file (exit 2).
  // c.hdf5: the same change without a recorded hash reads, and verify finds it (exit 1).
  await Deno.copyFile(`${dir}/b.h5`, `${dir}/c.hdf5`);
  for (const name of ["b.h5", "c.hdf5"]) {
    const file = new h5wasm.File(`${dir}/${name}`, "a");
    const neighbors = file.get("neighbors") as InstanceType<typeof h5wasm.Dataset>;
    const first = (neighbors.slice([[0, 1], [0, 1]]) as Int32Array)[0];
    neighbors.write_slice([[0, 1], [0, 1]], new Int32Array([(first + 1) % 600]));
    if (name === "c.hdf5") file.delete_attribute("akibench_hash");
    file.close();
  }

  const [info, verify, corrupt, wrong] = await each(
    ["info", `${dir}/a.hdf5`],
    ["verify", `${dir}/a.hdf5`, "--sample", "5"],
    ["verify", `${dir}/b.h5`, "--sample", "3"],
    ["verify", `${dir}/c.hdf5`, "--sample", "2"],
  );
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /train: +600 × 12 float32/);
  assert.match(info.stdout, /test: +15 × 12 float32/);
  assert.match(info.stdout, /metric: +l2 \(distance=euclidean\)/);
  assert.match(info.stdout, /k: +8/);
  assert.match(info.stdout, new RegExp(`hash: +${hash} \\(matches the recorded hash\\)`));
  assert.equal(verify.code, 0, verify.stderr);
  assert.match(verify.stdout, /ground truth verified \(5 queries × k=8, 0 mismatches\)/);
  assertUsageError(corrupt, /b\.h5: content hash mismatch/);
  assert.equal(wrong.code, 1, wrong.stdout + wrong.stderr);
  assert.match(wrong.stdout, /query 0 rank 0: stored id \d+/);
  assert.match(wrong.stdout, /c\.hdf5: 1 ground-truth mismatches in 2 queries × k=8/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bad input: exit 2, one line naming the problem, no output file", async () => {
  const dir = await Deno.makeTempDir();
  const out = `${dir}/out.hdf5`;
  const fvecs = new Uint8Array(4 + 4 * 3 + 2);
  new DataView(fvecs.buffer).setInt32(0, 3, true);
  await Deno.writeFile(`${dir}/cut.fvecs`, fvecs);
  await Deno.writeFile(`${dir}/junk.hdf5`, new Uint8Array(100).fill(1));
  const results = await each(
    ["generate", "--size", "10", "--k", "11", "--out", out],
    ["generate", "--metric", "hamming", "--bogus", "--out", out],
    ["generate", "--metric", "hamming", "--out", out],
    ["import", `${dir}/cut.fvecs`, "--queries", `${dir}/cut.fvecs`, "--out", out],
    ["info", `${dir}/junk.hdf5`],
  );
  const expected = [
    /^akibench dataset: k must be an integer from 1 to 10, got 11$/,
    /^akibench dataset: generate: unknown option '--bogus'; expected one of: --out, --size, .*, --clusters \(see 'akibench dataset --help'\)$/,
    /^akibench dataset: --metric: unknown metric 'hamming'/,
    /^akibench dataset: .*cut\.fvecs: truncated or corrupt: 18 bytes/,
    /^akibench dataset: .*junk\.hdf5: not an HDF5 file/,
  ];
  results.forEach((result, i) => assertUsageError(result, expected[i]));
  assert.deepEqual(entries(dir), ["cut.fvecs", "junk.hdf5"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("subcommands print their own --help", async () => {
  const [generate, verify, top] = await each(
    ["generate", "--help"],
    ["verify", "-h"],
    ["--help"],
  );
  assert.equal(generate.code, 0);
  assert.match(generate.stdout, /^akibench dataset generate: /);
  assert.match(generate.stdout, /--clusters C/);
  assert.equal(verify.code, 0);
  assert.match(verify.stdout, /^Usage: akibench dataset verify FILE\.hdf5/m);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /generate +generate a seeded dataset/);
  assert.match(top.stdout, /verify +recompute the ground truth/);
  for (const command of SUBCOMMANDS) {
    assert.match(command.help, new RegExp(`^akibench dataset ${command.name}: `));
    assert.match(command.help, new RegExp(`Usage: akibench dataset ${command.name} `));
  }
});
