// Scratch (not committed): 1M graph at one ef_construction, then recall@10 per ef_search.
import usearch from "usearch";
import { loadOrGenerate } from "./src/dataset/cache.ts";
const efc = Number(Deno.args[0] ?? 64);
const size = Number(Deno.args[1] ?? 1_000_000);
const ds = await loadOrGenerate({
  size,
  dim: 512,
  queries: 200,
  k: 10,
  metric: "cosine",
  distribution: "clustered",
  clusters: size >= 1e6 ? 1024 : 256,
  seed: 16,
}, { dir: "datasets" });
const dim = 512;
const mk = (ef: number) =>
  new usearch.Index(
    {
      metric: usearch.MetricKind.Cos,
      dimensions: dim,
      connectivity: 16,
      expansion_add: efc,
      expansion_search: ef,
      quantization: "i8",
      multi: false,
    } as never,
  );
const g = mk(96);

const t0 = performance.now();
const B = 1000;
for (let i = 0; i < size; i += B) {
  const n = Math.min(B, size - i);
  const keys = new BigUint64Array(n).map((_, j) => BigInt(i + j));
  g.add(keys, ds.train.slice(i * dim, (i + n) * dim), 1);
  if ((i / B) % 100 === 0) console.log(`${i} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const secs = (performance.now() - t0) / 1000;
console.log(`efc ${efc}: ${size} in ${secs.toFixed(1)} s = ${Math.round(size / secs)}/s`);
const path = `/tmp/efsweep-${efc}.usearch`;
g.save(path);
const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
for (const ef of [96, 128, 160, 200, 256]) {
  const h = mk(ef);
  h.load(path);
  let hits = 0;
  const t1 = performance.now();
  for (let q = 0; q < ds.queries; q++) {
    const qv = ds.test.subarray(q * dim, (q + 1) * dim);
    const m = h.search(qv, 40, 1);
    const qn = norm(qv);
    const scored = [...m.keys].map((k) => {
      const s = Number(k);
      const v = ds.train.subarray(s * dim, (s + 1) * dim);
      let d = 0;
      for (let i = 0; i < dim; i++) d += v[i] * qv[i];
      return { s, c: d / (qn * norm(v)) };
    }).sort((a, b) => b.c - a.c).slice(0, 10);
    const truth = new Set(ds.neighbors.subarray(q * ds.k, q * ds.k + 10));
    for (const { s } of scored) if (truth.has(s)) hits++;
  }
  console.log(
    `efc ${efc} ef_search ${ef}: recall@10 ${(hits / (10 * ds.queries)).toFixed(4)} ${
      ((performance.now() - t1) / ds.queries).toFixed(2)
    } ms/search`,
  );
}
