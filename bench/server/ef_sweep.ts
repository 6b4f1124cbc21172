import type { BenchPeer } from "./bench_peer.ts";
import { cpuSeconds } from "./child_server.ts";
import { closedLoop, quantile } from "./fixed_rate.ts";

/** One search setting of one target: its recall@10 and closed-loop throughput. */
export interface SweepPoint {
  target: string;
  efSearch: number;
  recallAt10: number;
  maxSearchQps: number;
  p50Ms: number;
  p95Ms: number;
  serverCpuMsPerQuery: number;
  errors: number;
}

/** What the sweep needs of the benchmark: a loaded peer per setting, recall, one search. */
export interface SweepDriver {
  /** Starts `target` with search beam width `ef` and loads the dataset into "bench". */
  startLoaded(target: string, ef: number): Promise<BenchPeer>;
  recallAt10(peer: BenchPeer): Promise<number>;
  search(peer: BenchPeer, i: number): Promise<void>;
}

/**
 * Recall against throughput, ann-benchmarks style: each target at each search beam width
 * (reference `--ef-search`, Chroma's hnsw ef_search, each on a fresh server; pgvector's
 * hnsw.ef_search, set on the loaded server's session), measured the same way: recall@10 over the dataset's queries, then `clients`
 * closed-loop searchers for `seconds`.
 */
export async function efSweep(
  driver: SweepDriver,
  targets: string[],
  efs: number[],
  clients: number,
  seconds: number,
  log: (line: string) => void,
): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  for (const target of targets) {
    let peer: BenchPeer | null = null;
    try {
      for (const ef of efs) {
        // A search-time setting is changed in place; otherwise a fresh server is loaded.
        if (peer?.setEfSearch) await peer.setEfSearch(ef);
        else {
          await peer?.close();
          peer = null;
          peer = await driver.startLoaded(target, ef);
        }
        const loaded: BenchPeer = peer;
        const recallAt10 = await driver.recallAt10(loaded);
        const cpu = cpuSeconds(loaded.pid());
        const max = await closedLoop(clients, seconds, (i) => driver.search(loaded, i));
        const point: SweepPoint = {
          target,
          efSearch: ef,
          recallAt10,
          maxSearchQps: max.throughput,
          p50Ms: quantile(max.latenciesMs, 0.5),
          p95Ms: quantile(max.latenciesMs, 0.95),
          serverCpuMsPerQuery: ((cpuSeconds(loaded.pid()) - cpu) * 1000) / max.latenciesMs.length,
          errors: max.errors,
        };
        points.push(point);
        log(
          `[sweep ${target} ef ${ef}] recall@10 ${recallAt10.toFixed(4)}, max search QPS ${
            max.throughput.toFixed(0)
          } (${clients} clients; p50 ${point.p50Ms.toFixed(2)} / p95 ${
            point.p95Ms.toFixed(2)
          } ms; server CPU ${point.serverCpuMsPerQuery.toFixed(2)} ms/query; errors ${max.errors})`,
        );
      }
    } finally {
      await peer?.close();
    }
  }
  return points;
}

/**
 * The Markdown table of a sweep, then per recall floor the fastest setting of each target that
 * reaches it: the targets' max QPS at equal recall@10.
 */
export function sweepTable(points: SweepPoint[], floors: number[]): string {
  const targets = [...new Set(points.map((p) => p.target))];
  const lines = [
    "| target | ef_search | recall@10 | max search QPS | p50 ms | p95 ms | server CPU ms/query |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...points.map((p) =>
      `| ${p.target} | ${p.efSearch} | ${p.recallAt10.toFixed(4)} | ${
        p.maxSearchQps.toFixed(0)
      } | ${p.p50Ms.toFixed(2)} | ${p.p95Ms.toFixed(2)} | ${p.serverCpuMsPerQuery.toFixed(2)} |`
    ),
    "",
    `| recall@10 ≥ | ${targets.join(" | ")} |`,
    `|---|${targets.map(() => "---:").join("|")}|`,
  ];
  for (const floor of floors) {
    const cells = targets.map((t) => {
      const best = points
        .filter((p) => p.target === t && p.recallAt10 >= floor)
        .sort((a, b) => b.maxSearchQps - a.maxSearchQps)[0];
      return best
        ? `${best.maxSearchQps.toFixed(0)} QPS (ef ${best.efSearch}, recall ${
          best.recallAt10.toFixed(3)
        })`
        : "not reached";
    });
    lines.push(`| ${floor} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}
