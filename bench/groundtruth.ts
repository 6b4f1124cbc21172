/**
 * Exact ground-truth throughput: top-k for `--queries` random queries over random bases of each
 * `--sizes` rows, printing seconds and GFLOP/s (2·n·q·d / time). When /usr/bin/python3 has faiss,
 * the same vectors go through faiss in the same run (IndexFlatIP for dot, IndexFlatL2 for l2,
 * IndexFlatIP on normalised copies for cosine), and the report adds
 * our/faiss throughput ratio and how many neighbour ids differ. CPU seconds (all threads) are
 * printed too: on a shared machine they show efficiency when wall time is inflated by other load.
 *
 *   deno run -A bench/groundtruth.ts [--sizes 100000,1000000] [--queries 1000] [--dim 512]
 *     [--k 100] [--metric dot] [--workers 2] [--no-faiss]
 */
import { parseArgs } from "node:util";
import { computeGroundTruth } from "../src/dataset/ground_truth.ts";
import { distance } from "../src/dataset/distance.ts";
import type { Metric } from "../src/dataset/metric.ts";
import { mulberry32 } from "../src/random/seeded_random.ts";
import { readProcessStatsSync } from "../src/metrics/process_stats.ts";

const { values } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    sizes: { type: "string", default: "100000,1000000" },
    queries: { type: "string", default: "1000" },
    dim: { type: "string", default: "512" },
    k: { type: "string", default: "100" },
    metric: { type: "string", default: "dot" },
    workers: { type: "string" },
    "no-faiss": { type: "boolean", default: false },
  },
});
const sizes = values.sizes.split(",").map(Number);
const queryCount = Number(values.queries);
const dim = Number(values.dim);
const k = Number(values.k);
const metric = values.metric as Metric;
const workers = values.workers === undefined ? undefined : Number(values.workers);

/** Seeded uniform vectors in [-1, 1) (mulberry32). */
function randomVectors(count: number, seed: number): Float32Array {
  const out = new Float32Array(count * dim);
  const next = mulberry32(seed);
  for (let i = 0; i < out.length; i++) out[i] = 2 * next() - 1;
  return out;
}

const FAISS_SCRIPT = `
import json, sys, time
import numpy as np, faiss
d, k, metric, base_path, query_path, out_path = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:7]
xb = np.fromfile(base_path, dtype=np.float32).reshape(-1, d)
xq = np.fromfile(query_path, dtype=np.float32).reshape(-1, d)
if metric == "cosine":
    faiss.normalize_L2(xb)
    faiss.normalize_L2(xq)
index = faiss.IndexFlatL2(d) if metric == "l2" else faiss.IndexFlatIP(d)
index.add(xb)
t0, c0 = time.perf_counter(), time.process_time()
_, ids = index.search(xq, k)
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
ids.astype(np.int32).tofile(out_path)
print(json.dumps({"seconds": seconds, "cpu": cpu, "threads": faiss.omp_get_max_threads()}))
`;

async function hasFaiss(): Promise<boolean> {
  if (values["no-faiss"]) return false;
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", "import faiss"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

async function runFaiss(
  base: Float32Array,
  queries: Float32Array,
): Promise<{ seconds: number; cpu: number; threads: number; ids: Int32Array }> {
  const dir = await Deno.makeTempDir({ prefix: "akibench-gt-" });
  try {
    const [basePath, queryPath, outPath] = ["base.bin", "queries.bin", "ids.bin"].map((f) =>
      `${dir}/${f}`
    );
    await Deno.writeFile(basePath, new Uint8Array(base.buffer, base.byteOffset, base.byteLength));
    await Deno.writeFile(
      queryPath,
      new Uint8Array(queries.buffer, queries.byteOffset, queries.byteLength),
    );
    const out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", FAISS_SCRIPT, String(dim), String(k), metric, basePath, queryPath, outPath],
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error("faiss run failed");
    const { seconds, cpu, threads } = JSON.parse(new TextDecoder().decode(out.stdout));
    const bytes = await Deno.readFile(outPath);
    return {
      seconds,
      cpu,
      threads,
      ids: new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Positions whose id differs, ids missing from the other's top-k set, and, for every query whose
 * sets differ, which side float64 distances prove right (its worst kept id is no farther than the
 * best id only the other side kept).
 */
function compareIds(
  base: Float32Array,
  queries: Float32Array,
  ours: Int32Array,
  theirs: Int32Array,
): { positions: number; sets: number; oursRight: number; theirsRight: number } {
  let positions = 0, sets = 0, oursRight = 0, theirsRight = 0;
  for (let q = 0; q < queryCount; q++) {
    const mine = ours.subarray(q * k, (q + 1) * k);
    const other = theirs.subarray(q * k, (q + 1) * k);
    const otherSet = new Set(other);
    const mineSet = new Set(mine);
    let missing = 0;
    for (let j = 0; j < k; j++) {
      if (mine[j] !== other[j]) positions++;
      if (!otherSet.has(mine[j])) missing++;
    }
    sets += missing;
    if (missing === 0) continue;
    const worst = (ids: Int32Array) =>
      Math.max(...[...ids].map((x) => distance(metric, queries, q, base, x, dim)));
    const bestOnly = (ids: Int32Array, not: Set<number>) =>
      Math.min(
        ...[...ids].filter((x) => !not.has(x)).map((x) =>
          distance(metric, queries, q, base, x, dim)
        ),
      );
    if (worst(mine) <= bestOnly(other, mineSet)) oursRight++;
    if (worst(other) <= bestOnly(mine, otherSet)) theirsRight++;
  }
  return { positions, sets, oursRight, theirsRight };
}

/** CPU seconds used so far by this process, all threads (workers included). */
function processCpuSeconds(): number {
  return readProcessStatsSync("self")!.cpuSeconds;
}

const faiss = await hasFaiss();
console.log(
  `ground truth bench: ${queryCount} queries, dim ${dim}, k ${k}, metric ${metric}, ` +
    `workers ${workers ?? navigator.hardwareConcurrency}, faiss ${faiss ? "yes" : "no"}`,
);
const queries = randomVectors(queryCount, 7);
for (const size of sizes) {
  const base = randomVectors(size, 1000 + size);
  const flops = 2 * size * queryCount * dim;
  const t0 = performance.now();
  const c0 = processCpuSeconds();
  const gt = await computeGroundTruth(base, queries, dim, k, metric, { workers });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = processCpuSeconds() - c0;
  const gflops = flops / seconds / 1e9;
  let line = `n=${size}: ${seconds.toFixed(2)} s, ${gflops.toFixed(1)} GFLOP/s ` +
    `(cpu ${cpu.toFixed(2)} s, ${(flops / cpu / 1e9).toFixed(1)} GFLOP per cpu-second)`;
  if (faiss) {
    const f = await runFaiss(base, queries);
    const fGflops = flops / f.seconds / 1e9;
    const diff = compareIds(base, queries, gt.neighbors, f.ids);
    const index = metric === "l2" ? "IndexFlatL2" : "IndexFlatIP";
    line += `\n  faiss ${index} (${f.threads} threads): ${f.seconds.toFixed(2)} s, ` +
      `${fGflops.toFixed(1)} GFLOP/s (cpu ${f.cpu.toFixed(2)} s, ` +
      `${(flops / f.cpu / 1e9).toFixed(1)} GFLOP per cpu-second)\n` +
      `  ours/faiss: ${(gflops / fGflops).toFixed(2)} wall, ${(f.cpu / cpu).toFixed(2)} cpu | ` +
      `ids differing: ${diff.positions} positions, ${diff.sets} not in faiss top-${k} ` +
      `(of ${queryCount * k}); queries whose sets differ, right by float64: ` +
      `ours ${diff.oursRight}, faiss ${diff.theirsRight}`;
  }
  console.log(line);
}
