import assert from "node:assert/strict";
import { UsageError } from "../src/usage/usage_error.ts";
import type { Metric } from "../src/dataset/metric.ts";
import { writeDataset } from "../src/dataset/hdf5.ts";
import { importDataset, type ImportOptions } from "../src/dataset/import_dataset.ts";
import { contentHash } from "../src/dataset/content_hash.ts";

const dir = await Deno.makeTempDir();
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

/** A deterministic pseudo-random matrix (not from the code under test). */
function matrix(rows: number, dim: number, salt: number): Float32Array {
  return Float32Array.from({ length: rows * dim }, (_, i) => Math.sin(i * 12.9898 + salt) * 2);
}

function fvecs(data: Float32Array | Int32Array, dim: number): Uint8Array {
  const rows = data.length / dim;
  const view = new DataView(new ArrayBuffer(rows * (4 + 4 * dim)));
  for (let r = 0; r < rows; r++) {
    view.setInt32(r * (4 + 4 * dim), dim, true);
    for (let j = 0; j < dim; j++) {
      const at = r * (4 + 4 * dim) + 4 + 4 * j;
      if (data instanceof Float32Array) view.setFloat32(at, data[r * dim + j], true);
      else view.setInt32(at, data[r * dim + j], true);
    }
  }
  return new Uint8Array(view.buffer);
}

function fbin(data: Float32Array, dim: number): Uint8Array {
  const out = new Uint8Array(8 + data.byteLength);
  new DataView(out.buffer).setUint32(0, data.length / dim, true);
  new DataView(out.buffer).setUint32(4, dim, true);
  out.set(new Uint8Array(data.buffer), 8);
  return out;
}

/** Naive exact top-k in float64, ties by lower id. */
function naive(base: Float32Array, queries: Float32Array, dim: number, k: number, metric: Metric) {
  const n = base.length / dim;
  const ids: number[][] = [];
  const dists: number[][] = [];
  for (let q = 0; q < queries.length / dim; q++) {
    const d = Array.from({ length: n }, (_, i) => {
      let dot = 0, l2 = 0, nq = 0, nb = 0;
      for (let j = 0; j < dim; j++) {
        const a = queries[q * dim + j], b = base[i * dim + j];
        dot += a * b;
        l2 += (a - b) ** 2;
        nq += a * a;
        nb += b * b;
      }
      return metric === "l2"
        ? Math.sqrt(l2)
        : metric === "dot"
        ? -dot
        : 1 - dot / Math.sqrt(nq * nb);
    });
    const order = d.map((_, i) => i).sort((a, b) => d[a] - d[b] || a - b).slice(0, k);
    ids.push(order);
    dists.push(order.map((i) => d[i]));
  }
  return { ids, dists };
}

const base = matrix(200, 6, 1);
const queries = matrix(9, 6, 2);
await Deno.writeFile(`${dir}/base.fvecs`, fvecs(base, 6));
await Deno.writeFile(`${dir}/query.fvecs`, fvecs(queries, 6));
await Deno.writeFile(`${dir}/base.fbin`, fbin(base, 6));
await Deno.writeFile(`${dir}/query.fbin`, fbin(queries, 6));

function rows<T extends ArrayLike<number>>(a: T, width: number): number[][] {
  return Array.from(
    { length: a.length / width },
    (_, r) => Array.from(a).slice(r * width, (r + 1) * width),
  );
}

Deno.test("fbin without ground truth: the exact ground truth is computed", async () => {
  for (const metric of ["l2", "cosine", "dot"] as Metric[]) {
    const ds = await importDataset({
      source: `${dir}/base.fbin`,
      queries: `${dir}/query.fbin`,
      metric,
      k: 7,
    });
    const expected = naive(base, queries, 6, 7, metric);
    assert.deepEqual(rows(ds.neighbors, 7), expected.ids);
    rows(ds.distances, 7).flat().forEach((d, i) => {
      assert.ok(Math.abs(d - expected.dists.flat()[i]) < 1e-5, `${metric} distance ${i}`);
    });
    assert.deepEqual([ds.size, ds.dim, ds.queries, ds.k, ds.metric], [200, 6, 9, 7, metric]);
    assert.equal(ds.name, "base");
    assert.equal(ds.hash, contentHash(ds));
  }
});

Deno.test("fvecs with ivecs ids: ids kept (first k), distances computed from them", async () => {
  const truth = naive(base, queries, 6, 10, "l2");
  await Deno.writeFile(`${dir}/gt.ivecs`, fvecs(Int32Array.from(truth.ids.flat()), 10));
  const opts = {
    source: `${dir}/base.fvecs`,
    queries: `${dir}/query.fvecs`,
    metric: "l2" as const,
  };
  const full = await importDataset({ ...opts, neighbors: `${dir}/gt.ivecs` });
  assert.equal(full.k, 10);
  assert.deepEqual(rows(full.neighbors, 10), truth.ids);
  rows(full.distances, 10).flat().forEach((d, i) => {
    assert.ok(Math.abs(d - truth.dists.flat()[i]) < 1e-5);
  });
  const top3 = await importDataset({ ...opts, neighbors: `${dir}/gt.ivecs`, k: 3 });
  assert.deepEqual(rows(top3.neighbors, 3), truth.ids.map((r) => r.slice(0, 3)));
});

Deno.test("import errors name the file and the problem", async () => {
  await Deno.writeFile(`${dir}/q5.fvecs`, fvecs(matrix(3, 5, 3), 5));
  await Deno.writeFile(`${dir}/short.ivecs`, fvecs(new Int32Array(4 * 2), 2));
  await Deno.writeFile(`${dir}/bad.ivecs`, fvecs(new Int32Array(9 * 2).fill(200), 2));
  const hdf5 = `${dir}/ours.hdf5`;
  await writeDataset(
    hdf5,
    await importDataset({
      source: `${dir}/base.fbin`,
      queries: `${dir}/query.fbin`,
      metric: "cosine",
      k: 4,
    }),
  );
  const v = { source: `${dir}/base.fvecs`, queries: `${dir}/query.fvecs` };
  const cases: [ImportOptions, RegExp][] = [
    [
      { ...v, queries: `${dir}/q5.fvecs`, metric: "l2" },
      /q5\.fvecs: dimension mismatch: queries have 5, base .*base\.fvecs has 6/,
    ],
    [{ ...v, metric: "l2", k: 201 }, /base\.fvecs: k=201 exceeds the 200 base vectors/],
    [{ ...v }, /base\.fvecs: metric unknown; pass --metric/],
    [{ source: `${dir}/base.fvecs`, metric: "l2" }, /base\.fvecs: --queries FILE is required/],
    [
      { ...v, metric: "l2", neighbors: `${dir}/short.ivecs` },
      /short\.ivecs: 4 ground-truth rows but 9 queries/,
    ],
    [
      { ...v, metric: "l2", neighbors: `${dir}/bad.ivecs` },
      /bad\.ivecs: id 200 at position 0 is outside 0\.\.199/,
    ],
    [
      { ...v, metric: "l2", neighbors: `${dir}/gt.ivecs`, k: 11 },
      /gt\.ivecs: k=11 exceeds the ground-truth depth 10/,
    ],
    [
      { source: `${dir}/base.txt`, queries: `${dir}/query.fvecs`, metric: "l2" },
      /base\.txt: unsupported vector file type '\.txt'/,
    ],
    [{ source: hdf5, metric: "l2" }, /ours\.hdf5: file says metric cosine, --metric says l2/],
    [
      { source: hdf5, queries: `${dir}/query.fvecs` },
      /ours\.hdf5: --queries\/--neighbors apply only/,
    ],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(importDataset(options), (err: Error) => {
      assert.ok(err instanceof UsageError, String(err));
      assert.match(err.message, message);
      return true;
    });
  }
});
