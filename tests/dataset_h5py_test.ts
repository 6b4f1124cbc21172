import assert from "node:assert/strict";
import { generateDataset } from "../src/dataset/generate.ts";
import { readDataset, writeDataset } from "../src/dataset/hdf5.ts";
import { importDataset } from "../src/dataset/import_dataset.ts";
import { sampleQueries, verifyGroundTruth } from "../src/dataset/verify.ts";
import { hasPythonModules, runPython } from "./python3.ts";

const hasH5py = await hasPythonModules("h5py", "numpy");
if (!hasH5py) {
  console.warn(
    "SKIPPED h5py interop tests: /usr/bin/python3 cannot import h5py and numpy " +
      "(apt-get install -y python3-h5py python3-numpy)",
  );
}

// Writes a file exactly as ann-benchmarks does (float32 vectors, int64 ids, float64 distances),
// with brute-force ground truth from NumPy.
const WRITE_ANN = `
import sys, h5py, numpy as np
rng = np.random.default_rng(5)
train = rng.standard_normal((400, 10)).astype(np.float32)
test = rng.standard_normal((15, 10)).astype(np.float32)
d = np.sqrt(((test[:, None, :].astype(np.float64) - train[None, :, :]) ** 2).sum(-1))
order = np.argsort(d, axis=1, kind="stable")[:, :20]
with h5py.File(sys.argv[1], "w") as f:
    f.attrs["type"] = "dense"
    f.attrs["distance"] = "euclidean"
    f.attrs["dimension"] = len(train[0])
    f.attrs["point_type"] = "float"
    f.create_dataset("train", data=train)
    f.create_dataset("test", data=test)
    f.create_dataset("neighbors", data=order.astype(int))
    f.create_dataset("distances", data=np.take_along_axis(d, order, axis=1))
`;

// Reads our file with h5py and checks it against NumPy: shapes, attributes, brute-force ids.
const READ_OURS = `
import sys, json, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    train, test = f["train"][:], f["test"][:]
    nb, dist = f["neighbors"][:], f["distances"][:]
    x = train / np.linalg.norm(train, axis=1, keepdims=True)
    q = test / np.linalg.norm(test, axis=1, keepdims=True)
    cos = 1 - q.astype(np.float64) @ x.astype(np.float64).T
    exact = np.argsort(cos, axis=1, kind="stable")[:, : nb.shape[1]]
    print(json.dumps({
        "train": list(train.shape), "test": list(test.shape), "neighbors": list(nb.shape),
        "dtypes": [str(train.dtype), str(nb.dtype), str(dist.dtype)],
        "distance": f.attrs["distance"], "dimension": int(f.attrs["dimension"]),
        "hash": f.attrs["akibench_hash"],
        "same_ids": bool((exact == nb).all()),
        "max_distance_error": float(np.abs(np.take_along_axis(cos, nb, axis=1) - dist).max()),
        "first": float(train[0, 0]),
    }))
`;

Deno.test({
  name: "files written by h5py (ann-benchmarks layout) load and verify",
  ignore: !hasH5py,
  async fn() {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/ann.hdf5`;
    const written = await runPython(["-c", WRITE_ANN, path]);
    assert.equal(written.code, 0, written.stderr);
    const ds = await readDataset(path);
    assert.equal(ds.metric, "l2");
    assert.deepEqual([ds.size, ds.dim, ds.queries, ds.k], [400, 10, 15, 20]);
    const report = await verifyGroundTruth(ds, sampleQueries(ds.queries, 15));
    assert.deepEqual(report.mismatches, []);
    const imported = await importDataset({ source: path, k: 10 });
    assert.equal(imported.k, 10);
    assert.deepEqual(imported.neighbors.subarray(0, 10), ds.neighbors.subarray(0, 10));
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "files we write load in h5py with the ann-benchmarks layout and exact neighbours",
  ignore: !hasH5py,
  async fn() {
    const path = await Deno.makeTempFile({ suffix: ".hdf5" });
    const ds = await generateDataset({
      size: 500,
      dim: 16,
      queries: 20,
      k: 10,
      metric: "cosine",
      distribution: "clustered",
      clusters: 5,
      seed: 11,
    });
    await writeDataset(path, ds);
    const read = await runPython(["-c", READ_OURS, path]);
    assert.equal(read.code, 0, read.stderr);
    const info = JSON.parse(read.stdout);
    assert.deepEqual(info.train, [500, 16]);
    assert.deepEqual(info.test, [20, 16]);
    assert.deepEqual(info.neighbors, [20, 10]);
    assert.deepEqual(info.dtypes, ["float32", "int32", "float32"]);
    assert.equal(info.distance, "angular");
    assert.equal(info.dimension, 16);
    assert.equal(info.hash, ds.hash);
    assert.equal(info.same_ids, true);
    assert.ok(info.max_distance_error < 1e-5, `distance error ${info.max_distance_error}`);
    assert.equal(info.first, ds.train[0]);
    await Deno.remove(path);
  },
});
