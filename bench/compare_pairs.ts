/**
 * Records the run pairs behind compare's noise test: `pairs` times, the scenario
 * tests/fixtures/compare/noise.yaml twice with its one seed against one reference server
 * (`serve`), and once against a server started with `--added-latency-ms 2`, each of the three
 * as `--repeat` runs back to back (run --repeat N's RunResult: the first run in full, all N
 * summarized in `repeats`). Each RunResult is written without the target's /metrics series and
 * the per-second histograms of the runs (compare reads neither when both sides have repeats)
 * as <out>/{base,same,slow}-<i>.json, and each pair's comparison verdicts are printed. A run
 * whose load generator could not keep up (invalid: compare would not judge it) is run again.
 *
 *   flock /tmp/bench.lock deno run -A bench/compare_pairs.ts --pairs 10 --repeat 3 \
 *     --out tests/fixtures/compare
 *   flock /tmp/bench.lock deno run -A bench/compare_pairs.ts --pairs 10 --repeat 1 \
 *     --out tests/fixtures/compare/single
 */
import { parseArgs } from "node:util";
import { compareRuns } from "../src/report/compare.ts";
import type { RunResult } from "../src/result/run_result.ts";
import { runRepeated } from "../src/run/repeat_runs.ts";
import { runScenario } from "../src/run/run_scenario.ts";
import { loadScenario } from "../src/scenario/read_scenario.ts";
import { AkidbTarget } from "../src/targets/akidb.ts";
import { spawnServer } from "./server/child_server.ts";
import { START_LINE } from "../src/server/start_line.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    pairs: { type: "string", default: "10" },
    repeat: { type: "string", default: "3" },
    out: { type: "string" },
  },
});
const out = values.out ?? "tests/fixtures/compare";
const pairs = Number(values.pairs);
const repeat = Number(values.repeat);
await Deno.mkdir(out, { recursive: true });
const scenario = await loadScenario(
  new URL("../tests/fixtures/compare/noise.yaml", import.meta.url).pathname,
  "full",
);
const main = new URL("../src/cli/main.ts", import.meta.url).pathname;
const datasetDir = await Deno.makeTempDir({ prefix: "akibench-compare-pairs-" });
const serve = (extra: string[]) =>
  spawnServer(Deno.execPath(), ["run", "-A", main, "serve", "--port", "0", ...extra], {
    urlPattern: START_LINE,
  });
const [plain, slow] = [await serve([]), await serve(["--added-latency-ms", "2"])];

/** Attempts per run: a busy machine can saturate the load generator, and compare skips such runs. */
const ATTEMPTS = 5;

/** One run of the scenario, again while the generator could not keep up (up to ATTEMPTS). */
async function once(url: string, file: string): Promise<RunResult> {
  for (let attempt = 1;; attempt++) {
    const target = new AkidbTarget(url);
    let r: RunResult;
    try {
      r = await runScenario(scenario, target, { datasetDir });
    } finally {
      await target.close();
    }
    if (r.status !== "invalid" || attempt === ATTEMPTS) return r;
    console.log(`${file}: invalid (${r.status_reason}); again`);
  }
}

/**
 * `repeat` runs of the scenario as one RunResult (as run --repeat writes it), written to file.
 * A single run keeps its per-second histograms: compare resamples them when a side has no repeats.
 */
async function record(url: string, file: string): Promise<RunResult> {
  const r = await runRepeated(repeat, () => once(url, file));
  const perSecond = repeat >= 2
    ? r.series.per_second.map(({ latency_us: _, ...p }) => p)
    : r.series.per_second;
  const kept = { ...r, series: { ...r.series, per_second: perSecond, target_metrics: {} } };
  await Deno.writeTextFile(`${out}/${file}`, JSON.stringify(kept) + "\n");
  return r;
}

try {
  for (let i = 1; i <= pairs; i++) {
    const base = await record(plain.url, `base-${i}.json`);
    const same = await record(plain.url, `same-${i}.json`);
    const slower = await record(slow.url, `slow-${i}.json`);
    const verdicts = (next: RunResult) => {
      const c = compareRuns([base], [next], { tolerance: 0.1 });
      if (c.notCompared.length > 0) return `not compared (${c.notCompared[0].reason})`;
      const named = (verdict: string) =>
        c.rows.filter((r) => r.verdict === verdict).map((r) => `${r.operation} ${r.metric}`);
      const regressed = named("regressed");
      const inconclusive = named("inconclusive");
      return `${c.regressions} regressed${regressed.length ? ` (${regressed.join(", ")})` : ""}${
        inconclusive.length ? `, ${inconclusive.length} inconclusive` : ""
      }`;
    };
    const p99 = (r: RunResult) => r.operations[0].latency_ms.p99;
    console.log(`${new Date().toISOString()}`);
    console.log(
      `pair ${i}: ${base.status}/${same.status}/${slower.status}; p99 ${p99(base)} / ${
        p99(same)
      } / ${p99(slower)} ms; same: ${verdicts(same)}; slow: ${verdicts(slower)}`,
    );
  }
} finally {
  for (const s of [plain, slow]) {
    s.child.kill("SIGTERM");
    await s.child.status;
  }
  await Deno.remove(datasetDir, { recursive: true });
}
// Like src/cli/main.ts, exit once done: without it the process stayed alive after the last pair
// (a handle the runs leave open; the CLI never waits for them either).
Deno.exit(0);
