import assert from "node:assert/strict";
import h5wasm from "h5wasm/node";

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

Deno.test("generate → info → verify, and the same arguments give the same content hash", async () => {
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

  const [info, verify] = await each(
    ["info", `${dir}/a.hdf5`],
    ["verify", `${dir}/a.hdf5`, "--sample", "5"],
  );
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /train: +600 × 12 float32/);
  assert.match(info.stdout, /test: +15 × 12 float32/);
  assert.match(info.stdout, /metric: +l2 \(distance=euclidean\)/);
  assert.match(info.stdout, /k: +8/);
  assert.match(info.stdout, new RegExp(`hash: +${hash} \\(matches the recorded hash\\)`));
  assert.equal(verify.code, 0, verify.stderr);
  assert.match(verify.stdout, /ground truth verified \(5 queries × k=8, 0 mismatches\)/);

  const file = new h5wasm.File(`${dir}/b.h5`, "a");
  const neighbors = file.get("neighbors") as InstanceType<typeof h5wasm.Dataset>;
  neighbors.write_slice([[0, 1], [0, 2]], new Int32Array([599, 598]));
  file.close();
  const bad = await akibench("verify", `${dir}/b.h5`, "--sample", "3");
  assert.equal(bad.code, 2, "a recorded hash that does not match is a corrupt file");
  assert.match(bad.stderr, /b\.h5: content hash mismatch/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("verify exits 1 on a wrong ground truth", async () => {
  const dir = await Deno.makeTempDir();
  const ok = await akibench("generate", ...SMALL, "--out", `${dir}/c.hdf5`);
  assert.equal(ok.code, 0, ok.stderr);
  // Replace the first neighbour of query 0 and drop the recorded hash, so the file still reads.
  const file = new h5wasm.File(`${dir}/c.hdf5`, "a");
  const neighbors = file.get("neighbors") as InstanceType<typeof h5wasm.Dataset>;
  const first = (neighbors.slice([[0, 1], [0, 1]]) as Int32Array)[0];
  neighbors.write_slice([[0, 1], [0, 1]], new Int32Array([(first + 1) % 600]));
  file.delete_attribute("akibench_hash");
  file.close();
  const result = await akibench("verify", `${dir}/c.hdf5`, "--sample", "2");
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /query 0 rank 0: stored id \d+/);
  assert.match(result.stdout, /c\.hdf5: 1 ground-truth mismatches in 2 queries × k=8/);
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
    ["generate", "--size", "0", "--out", out],
    ["generate", "--metric", "hamming", "--bogus", "--out", out],
    ["generate", "--metric", "hamming", "--out", out],
    ["import", `${dir}/cut.fvecs`, "--queries", `${dir}/cut.fvecs`, "--out", out],
    ["info", `${dir}/junk.hdf5`],
    ["frobnicate"],
  );
  const expected = [
    /^akibench dataset: k must be an integer from 1 to 10, got 11$/,
    /^akibench dataset: size must be an integer from 1 to 10000000, got 0$/,
    /^akibench dataset: generate: Unknown option '--bogus'/,
    /^akibench dataset: --metric: unknown metric 'hamming'/,
    /^akibench dataset: .*cut\.fvecs: truncated or corrupt: 18 bytes/,
    /^akibench dataset: .*junk\.hdf5: not an HDF5 file/,
    /^akibench dataset: unknown subcommand 'frobnicate'/,
  ];
  results.forEach((result, i) => assertUsageError(result, expected[i]));
  assert.deepEqual(entries(dir), ["cut.fvecs", "junk.hdf5"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("every subcommand has its own --help", async () => {
  const names = ["generate", "import", "info", "verify"];
  const results = await each(...names.map((n) => [n, "--help"]));
  results.forEach((result, i) => {
    assert.equal(result.code, 0);
    assert.match(result.stdout, new RegExp(`^akibench dataset ${names[i]}: `));
    assert.match(result.stdout, new RegExp(`Usage: akibench dataset ${names[i]} `));
  });
  const top = await akibench("--help");
  assert.equal(top.code, 0);
  assert.match(top.stdout, /generate +generate a seeded dataset/);
});
