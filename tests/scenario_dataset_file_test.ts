import assert from "node:assert/strict";
import { main } from "../src/cli/main.ts";
import { cliInProcess } from "./cli_in_process.ts";
import { generateDataset } from "../src/dataset/generate.ts";
import { writeDataset } from "../src/dataset/hdf5.ts";
import type { Metric } from "../src/dataset/metric.ts";
import { runScenario } from "../src/run/run_scenario.ts";
import { loadScenarioDataset } from "../src/run/scenario_data.ts";
import { scenarioHash } from "../src/scenario/hash.ts";
import { loadScenario, SCENARIO_DIR } from "../src/scenario/read_scenario.ts";
import { ReferenceTarget } from "../src/targets/reference.ts";

/** A scenario on `data/vectors.hdf5`, the dataset block given as YAML flow-mapping fields. */
const scenarioText = (dataset: string) =>
  `name: From File
seed: 4
duration: 2s
load: { type: constant, qps: 40 }
concurrency: 8
mix: { search: 70, insert: 20, metadata: 10 }
dataset: { file: data/vectors.hdf5${dataset ? `, ${dataset}` : ""} }
recall: { share: 50%, k: 5 }
integrity: { sample: 1000 }
criteria:
  - recall@5 > 0.8
  - error_rate < 1%
  - corruption == 0
`;

async function writeVectors(path: string, metric: Metric, seed = 9) {
  const dataset = await generateDataset({
    size: 600,
    dim: 16,
    queries: 30,
    k: 20,
    metric,
    distribution: "clustered",
    clusters: 6,
    seed,
  });
  await writeDataset(path, dataset);
  return dataset;
}

/** A temporary folder with data/vectors.hdf5 (l2) and the scenario file s.yaml. */
async function withScenario(
  dataset: string,
  fn: (yaml: string, dir: string, hash: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "akibench-file-dataset-" });
  try {
    await Deno.mkdir(`${dir}/data`);
    const written = await writeVectors(`${dir}/data/vectors.hdf5`, "l2");
    await Deno.writeTextFile(`${dir}/s.yaml`, scenarioText(dataset));
    await fn(`${dir}/s.yaml`, dir, written.hash);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("dataset.file: metric, dimension, queries and ground truth come from the file (path relative to the scenario)", () =>
  withScenario("", async (yaml, dir, hash) => {
    const s = await loadScenario(yaml, "full");
    assert.deepEqual(
      [s.dataset.size, s.dataset.dim, s.dataset.metric, s.dataset.queries, s.dataset.k],
      [600, 16, "l2", 30, 20],
    );
    assert.deepEqual(s.dataset.file, { path: `${dir}/data/vectors.hdf5`, hash });
    const data = await loadScenarioDataset(s, {});
    assert.equal(data.hash, hash);
    assert.equal(data.neighbors.length, 30 * 20, "the file's ground truth");
    // The scenario hash follows the file's content, not its location.
    const moved = `${dir}/moved`;
    await Deno.mkdir(moved);
    await Deno.rename(`${dir}/data`, `${moved}/data`);
    await Deno.copyFile(yaml, `${moved}/s.yaml`);
    assert.equal(
      await scenarioHash(await loadScenario(`${moved}/s.yaml`, "full")),
      await scenarioHash(s),
    );
  }));

Deno.test("dataset.file: a missing file, a hash mismatch and conflicts are one clear line, exit 2", () =>
  withScenario("", async (yaml, dir, hash) => {
    const other = `"${"0".repeat(64)}"`;
    const cases: [string, RegExp][] = [
      ["", /s\.yaml: dataset\.file: .*\/data\/vectors\.hdf5: no such file$/],
      [
        `hash: ${other}`,
        /s\.yaml: dataset\.hash: .*vectors\.hdf5 has content hash [0-9a-f]{12}…, the scenario pins 000000000000…$/,
      ],
      [
        "metric: cosine",
        /s\.yaml: dataset\.metric: cosine conflicts with .*vectors\.hdf5, whose metric is l2$/,
      ],
      ["dim: 32", /s\.yaml: dataset\.dim: 32 conflicts with .*, whose dim is 16$/],
      ["size: 601", /s\.yaml: dataset\.size: 601 exceeds the 600 vectors .*vectors\.hdf5 holds$/],
      ["clusters: 8", /s\.yaml: dataset\.clusters: generator parameter: remove it/],
      ["hash: abc", /s\.yaml: dataset\.hash: expected a 64-hex-digit content hash/],
      ["hash: 12", /s\.yaml: dataset\.hash: expected a 64-hex-digit content hash, in quotes/],
    ];
    for (const [field, message] of cases) {
      await Deno.writeTextFile(yaml, scenarioText(field));
      if (field === "") await Deno.rename(`${dir}/data/vectors.hdf5`, `${dir}/data/away.hdf5`);
      const { code, stderr } = await cliInProcess(["run", yaml, "--out", `${dir}/reports`]);
      if (field === "") await Deno.rename(`${dir}/data/away.hdf5`, `${dir}/data/vectors.hdf5`);
      assert.equal(code, 2, field);
      assert.match(stderr, message, `${field}: ${stderr}`);
      assert.equal(stderr.split("\n").length, 1, `${field}: one line`);
    }
    // Agreeing values and the right pin are accepted.
    await Deno.writeTextFile(yaml, scenarioText(`metric: l2, dim: 16, size: 300, hash: ${hash}`));
    const s = await loadScenario(yaml, "full");
    assert.equal(s.dataset.size, 300);
    assert.equal(s.dataset.file?.hash, hash);
    // Generated data still needs its parameters.
    await Deno.writeTextFile(
      yaml,
      scenarioText("").replace(/dataset: .*/, "dataset: { dim: 8, metric: l2 }"),
    );
    await assert.rejects(
      loadScenario(yaml, "full"),
      /dataset\.size: expected a value \(missing\), or dataset\.file/,
    );
  }));

Deno.test("dataset.file: a file changed after the scenario was loaded is refused by the run", () =>
  withScenario("", async (yaml, dir) => {
    const s = await loadScenario(yaml, "full");
    await writeVectors(`${dir}/data/vectors.hdf5`, "l2", 10);
    await assert.rejects(
      loadScenarioDataset(s, {}),
      /content hash [0-9a-f]{12}… differs from the expected/,
    );
  }));

Deno.test("dataset.file: a run on a file's vectors measures recall against the file's ground truth", () =>
  withScenario("", async (yaml, _dir, hash) => {
    const target = await ReferenceTarget.start();
    try {
      const r = await runScenario(await loadScenario(yaml, "full"), target);
      assert.ok(["passed", "invalid"].includes(r.status), `${r.status}: ${r.status_reason}`);
      if (r.status === "invalid") assert.match(r.status_reason ?? "", /generator saturated/);
      assert.equal(r.dataset.hash, hash);
      assert.equal(r.dataset.metric, "l2");
      assert.equal(r.dataset.size, 600);
      assert.ok(
        r.recall && r.recall.samples > 5 && (r.recall.overall ?? 0) > 0.8,
        JSON.stringify(r.recall),
      );
      assert.equal(r.integrity?.corruption, 0);
    } finally {
      await target.close();
    }
  }));

Deno.test("the bundled example scenario runs on the file its comment says how to make", async () => {
  const example = `${SCENARIO_DIR}examples/from_file.yaml`;
  const text = await Deno.readTextFile(example);
  const command = /deno task akibench (dataset generate .*--out (\S+))$/m.exec(text);
  assert.ok(command, "the example names its dataset command");
  const dir = await Deno.makeTempDir({ prefix: "akibench-example-" });
  try {
    // The same layout as the repository: scenarios/examples/ and datasets/ side by side.
    await Deno.mkdir(`${dir}/scenarios/examples`, { recursive: true });
    await Deno.mkdir(`${dir}/datasets`);
    await Deno.writeTextFile(`${dir}/scenarios/examples/from_file.yaml`, text);
    const args = command[1].split(" ").map((a) => a === command[2] ? `${dir}/${a}` : a);
    const log = console.log;
    console.log = () => {};
    try {
      assert.equal(await main(args), 0);
    } finally {
      console.log = log;
    }
    const s = await loadScenario(`${dir}/scenarios/examples/from_file.yaml`, "smoke");
    assert.equal(s.dataset.file?.path, `${dir}/${command[2]}`);
    assert.equal(s.durationS, 15);
    assert.equal(s.dataset.size, 5000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
