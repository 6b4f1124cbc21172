import assert from "node:assert/strict";
import h5wasm from "h5wasm/node";
import { UsageError } from "../src/usage/usage_error.ts";
import type { Dataset } from "../src/dataset/dataset.ts";
import { generateDataset } from "../src/dataset/generate.ts";
import { createHdf5, openHdf5ForReading } from "../src/dataset/hdf5_file.ts";
import { readMatrix, writeMatrix } from "../src/dataset/hdf5_matrix.ts";
import { readAnnFile, readDataset, writeDataset } from "../src/dataset/hdf5.ts";

const dataset: Dataset = await generateDataset({
  size: 300,
  dim: 8,
  queries: 12,
  k: 5,
  metric: "l2",
  distribution: "clustered",
  clusters: 4,
  seed: 3,
});

async function rejectsUsage(promise: Promise<unknown>, message: RegExp) {
  await assert.rejects(promise, (err: Error) => {
    assert.ok(err instanceof UsageError, `expected UsageError, got ${err}`);
    assert.match(err.message, message);
    assert.ok(!err.message.includes("\n"), `not one line: ${err.message}`);
    return true;
  });
}

/** Writes a raw ann-benchmarks style file with h5wasm (no akibench attributes). */
async function writeRaw(path: string, build: (f: InstanceType<typeof h5wasm.File>) => void) {
  const file = await createHdf5(path);
  try {
    build(file);
  } finally {
    file.close();
  }
}

Deno.test("writeDataset → readDataset round-trips every array and attribute", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/d.hdf5`;
  await writeDataset(path, dataset);
  const back = await readDataset(path);
  assert.deepEqual(back, dataset);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["d.hdf5"]);
  const file = await openHdf5ForReading(path);
  assert.equal(file.attrs["distance"].value, "euclidean");
  assert.equal(Number(file.attrs["dimension"].value), 8);
  assert.equal(file.attrs["akibench_hash"].value, dataset.hash);
  file.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("matrices are written and read in many slices without changing a value", async () => {
  const path = await Deno.makeTempFile({ suffix: ".hdf5" });
  const data = Float32Array.from({ length: 103 * 7 }, (_, i) => i * 0.5 - 3);
  const ids = Int32Array.from({ length: 103 * 7 }, (_, i) => i * 3);
  await writeRaw(path, (f) => {
    writeMatrix(f, "m", data, 103, 7, 7 * 4 * 10);
    writeMatrix(f, "ids", ids, 103, 7, 7 * 4 * 3);
  });
  const file = await openHdf5ForReading(path);
  const m = readMatrix(file, path, "m", (n) => new Float32Array(n), 7 * 4 * 9);
  const i = readMatrix(file, path, "ids", (n) => new Int32Array(n), 7 * 4 * 50);
  file.close();
  assert.deepEqual([m.rows, m.cols], [103, 7]);
  assert.deepEqual(m.data, data);
  assert.deepEqual(i.data, ids);
  await Deno.remove(path);
});

Deno.test("a modified vector is detected by the content hash", async () => {
  const path = await Deno.makeTempFile({ suffix: ".hdf5" });
  await writeDataset(path, dataset);
  const file = new h5wasm.File(path, "a");
  (file.get("train") as InstanceType<typeof h5wasm.Dataset>).write_slice(
    [[10, 11], [2, 3]],
    new Float32Array([123]),
  );
  file.close();
  await rejectsUsage(
    readDataset(path),
    /: content hash mismatch \(file corrupt or modified\): recorded [0-9a-f]{12}…, actual/,
  );
  await rejectsUsage(readDataset(path), new RegExp(path.replaceAll(".", "\\.")));
  await Deno.remove(path);
});

Deno.test("truncated, garbage, empty and missing files give one-line errors naming the file", async () => {
  const dir = await Deno.makeTempDir();
  await writeDataset(`${dir}/ok.hdf5`, dataset);
  const bytes = await Deno.readFile(`${dir}/ok.hdf5`);
  await Deno.writeFile(`${dir}/half.hdf5`, bytes.subarray(0, bytes.length >> 1));
  await Deno.writeFile(`${dir}/head.hdf5`, bytes.subarray(0, 600));
  await Deno.writeFile(`${dir}/garbage.hdf5`, new Uint8Array(4000).fill(42));
  await Deno.writeFile(`${dir}/empty.hdf5`, new Uint8Array(0));
  await rejectsUsage(readDataset(`${dir}/half.hdf5`), /half\.hdf5: corrupt or truncated HDF5/);
  await rejectsUsage(readDataset(`${dir}/head.hdf5`), /head\.hdf5: corrupt or truncated HDF5/);
  await rejectsUsage(readDataset(`${dir}/garbage.hdf5`), /garbage\.hdf5: not an HDF5 file/);
  await rejectsUsage(readDataset(`${dir}/empty.hdf5`), /empty\.hdf5: not an HDF5 file/);
  await rejectsUsage(readDataset(`${dir}/missing.hdf5`), /missing\.hdf5: cannot read/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("inconsistent ann-benchmarks files are rejected with the problem named", async () => {
  const dir = await Deno.makeTempDir();
  const train = new Float32Array(4 * 3).fill(1);
  const cases: [string, (f: InstanceType<typeof h5wasm.File>) => void, RegExp][] = [
    ["dims.hdf5", (f) => {
      writeMatrix(f, "train", train, 4, 3);
      writeMatrix(f, "test", new Float32Array(2 * 2), 2, 2);
    }, /dims\.hdf5: dimension mismatch: train has 3, test has 2/],
    ["notest.hdf5", (f) => {
      writeMatrix(f, "train", train, 4, 3);
    }, /notest\.hdf5: missing dataset 'test'/],
    ["ids.hdf5", (f) => {
      f.create_attribute("distance", "euclidean");
      writeMatrix(f, "train", train, 4, 3);
      writeMatrix(f, "test", new Float32Array(3), 1, 3);
      writeMatrix(f, "neighbors", new Int32Array([0, 4]), 1, 2);
      writeMatrix(f, "distances", new Float32Array(2), 1, 2);
    }, /ids\.hdf5: 'neighbors': id 4 at position 1 is outside 0\.\.3/],
    ["metric.hdf5", (f) => {
      f.create_attribute("distance", "hamming");
      writeMatrix(f, "train", train, 4, 3);
      writeMatrix(f, "test", new Float32Array(3), 1, 3);
    }, /metric\.hdf5: attribute distance: unknown metric 'hamming'/],
    ["nogt.hdf5", (f) => {
      f.create_attribute("distance", "angular");
      writeMatrix(f, "train", train, 4, 3);
      writeMatrix(f, "test", new Float32Array(3), 1, 3);
    }, /nogt\.hdf5: no ground truth/],
  ];
  for (const [name, build, message] of cases) {
    await writeRaw(`${dir}/${name}`, build);
    await rejectsUsage(readDataset(`${dir}/${name}`), message);
  }
  const noGroundTruth = await readAnnFile(`${dir}/nogt.hdf5`);
  assert.equal(noGroundTruth.metric, "cosine");
  assert.equal(noGroundTruth.neighbors, null);
  await Deno.remove(dir, { recursive: true });
});
