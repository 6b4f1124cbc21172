import assert from "node:assert/strict";
import { UsageError } from "../src/usage/usage_error.ts";
import { readFbin, readIbin } from "../src/dataset/bin.ts";
import { readFvecs, readIvecs } from "../src/dataset/vecs.ts";

/** TEXMEX layout: per row an int32 dimension then the values. */
function vecsBytes(rows: number[][], kind: "f" | "i"): Uint8Array {
  const dim = rows[0]?.length ?? 0;
  const view = new DataView(new ArrayBuffer(rows.length * (4 + 4 * dim)));
  rows.forEach((row, r) => {
    const at = r * (4 + 4 * dim);
    view.setInt32(at, row.length, true);
    row.forEach((v, j) => {
      if (kind === "f") view.setFloat32(at + 4 + 4 * j, v, true);
      else view.setInt32(at + 4 + 4 * j, v, true);
    });
  });
  return new Uint8Array(view.buffer);
}

/** big-ann layout: uint32 n, uint32 d, then the blocks of n × d values. */
function binBytes(n: number, d: number, ...blocks: (Float32Array | Int32Array)[]): Uint8Array {
  const head = new Uint32Array([n, d]);
  const parts = [head, ...blocks].map((a) => new Uint8Array(a.buffer));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function rejectsUsage(promise: Promise<unknown>, message: RegExp) {
  await assert.rejects(promise, (err: Error) => {
    assert.ok(err instanceof UsageError, String(err));
    assert.match(err.message, message);
    return true;
  });
}

const dir = await Deno.makeTempDir();
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

Deno.test("fvecs and ivecs are read row by row", async () => {
  await Deno.writeFile(`${dir}/a.fvecs`, vecsBytes([[1.5, -2, 3], [4, 5, 6.25]], "f"));
  await Deno.writeFile(`${dir}/a.ivecs`, vecsBytes([[7, 8], [9, 10], [11, 12]], "i"));
  const f = await readFvecs(`${dir}/a.fvecs`);
  assert.deepEqual([f.rows, f.dim], [2, 3]);
  assert.deepEqual([...f.data], [1.5, -2, 3, 4, 5, 6.25]);
  const i = await readIvecs(`${dir}/a.ivecs`);
  assert.deepEqual([i.rows, i.dim], [3, 2]);
  assert.deepEqual([...i.data], [7, 8, 9, 10, 11, 12]);
});

Deno.test("truncated, inconsistent and empty vecs files name the file and the problem", async () => {
  const good = vecsBytes([[1, 2, 3], [4, 5, 6]], "f");
  await Deno.writeFile(`${dir}/cut.fvecs`, good.subarray(0, good.length - 3));
  await rejectsUsage(readFvecs(`${dir}/cut.fvecs`), /cut\.fvecs: truncated or corrupt: 29 bytes/);
  const mixed = vecsBytes([[1, 2, 3], [4, 5, 6]], "f");
  new DataView(mixed.buffer).setInt32(16, 2, true);
  await Deno.writeFile(`${dir}/mixed.fvecs`, mixed);
  await rejectsUsage(readFvecs(`${dir}/mixed.fvecs`), /mixed\.fvecs: vector 1 has dimension 2/);
  await Deno.writeFile(`${dir}/empty.fvecs`, new Uint8Array(0));
  await rejectsUsage(readFvecs(`${dir}/empty.fvecs`), /empty\.fvecs: empty file \(size 0\)/);
  await Deno.writeFile(`${dir}/neg.ivecs`, new Uint8Array([255, 255, 255, 255, 0, 0, 0, 0]));
  await rejectsUsage(readIvecs(`${dir}/neg.ivecs`), /neg\.ivecs: corrupt header: dimension -1/);
  await rejectsUsage(readFvecs(`${dir}/none.fvecs`), /none\.fvecs: cannot read/);
});

Deno.test("fbin and ibin (plain and big-ann ground truth with distances) are read", async () => {
  const values = Float32Array.from({ length: 12 }, (_, i) => i / 4);
  await Deno.writeFile(`${dir}/b.fbin`, binBytes(4, 3, values));
  const f = await readFbin(`${dir}/b.fbin`);
  assert.deepEqual([f.rows, f.dim], [4, 3]);
  assert.deepEqual(f.data, values);
  const ids = new Int32Array([3, 1, 0, 2]);
  await Deno.writeFile(`${dir}/ids.ibin`, binBytes(2, 2, ids));
  const plain = await readIbin(`${dir}/ids.ibin`);
  assert.deepEqual([plain.rows, plain.dim, plain.distances], [2, 2, null]);
  assert.deepEqual(plain.data, ids);
  const distances = new Float32Array([0.5, 1, 0.25, 2]);
  await Deno.writeFile(`${dir}/gt.ibin`, binBytes(2, 2, ids, distances));
  const gt = await readIbin(`${dir}/gt.ibin`);
  assert.deepEqual(gt.data, ids);
  assert.deepEqual(gt.distances, distances);
});

Deno.test("bad fbin files: truncated, header-only, zero rows or dimension", async () => {
  const values = new Float32Array(12);
  await Deno.writeFile(`${dir}/cut.fbin`, binBytes(4, 3, values).subarray(0, 40));
  await rejectsUsage(
    readFbin(`${dir}/cut.fbin`),
    /cut\.fbin: truncated or corrupt: header says 4 × 3 but the file has 40 bytes/,
  );
  await Deno.writeFile(`${dir}/short.fbin`, new Uint8Array([1, 0, 0]));
  await rejectsUsage(readFbin(`${dir}/short.fbin`), /short\.fbin: truncated header \(3 bytes\)/);
  await Deno.writeFile(`${dir}/zero.fbin`, binBytes(0, 3));
  await rejectsUsage(readFbin(`${dir}/zero.fbin`), /zero\.fbin: header says 0 vectors/);
  await Deno.writeFile(`${dir}/nodim.fbin`, binBytes(3, 0));
  await rejectsUsage(readFbin(`${dir}/nodim.fbin`), /nodim\.fbin: header says dimension 0/);
  // An ids + distances body is only accepted for ids, never for vectors.
  await Deno.writeFile(`${dir}/double.fbin`, binBytes(2, 2, new Float32Array(8)));
  await rejectsUsage(readFbin(`${dir}/double.fbin`), /double\.fbin: truncated or corrupt/);
});
