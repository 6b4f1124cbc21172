import assert from "node:assert/strict";
import { startStatusLines, statusLine } from "../src/cli/status_line.ts";
import { initHistograms, newHistogram, recordMs } from "../src/metrics/histogram.ts";
import { LiveMetrics } from "../src/metrics/live_metrics.ts";
import { emptySecond } from "../src/metrics/second_series.ts";

/** A ticker the test advances by hand: no timers, no wall time. */
function manualTicker() {
  const ticks: (() => void)[] = [];
  let stopped = 0;
  return {
    every: (_ms: number, tick: () => void) => {
      ticks.push(tick);
      return () => stopped++;
    },
    tick: () => ticks.forEach((t) => t()),
    stopped: () => stopped,
  };
}

Deno.test("status lines: every tick while a load runs, the progress note between loads, none after stop", async () => {
  await initHistograms();
  const live = new LiveMetrics();
  const ticker = manualTicker();
  const lines: string[] = [];
  const status = startStatusLines({
    status: () => live.status(),
    write: (l) => lines.push(l),
    every: ticker.every,
  });
  ticker.tick();
  assert.deepEqual(lines, [], "nothing to say before any progress");
  status.note("preparing the dataset");
  ticker.tick();
  assert.deepEqual(lines, ["akibench: preparing the dataset"]);

  const run = live.beginRun({
    scenario: "spike",
    target: "reference",
    profile: "smoke",
    seed: 1,
    durationS: 60,
    latencyLimits: [],
  });
  const search = { operation: "search", tenant: "" };
  const h = newHistogram();
  // 12 seconds: 100 offered and 98 completed each, 2 dropped; 1 error a second; 20 ms each.
  for (let t = 0; t < 12; t++) {
    for (let i = 0; i < 100; i++) run.offered(search, "hold", 0);
    for (let i = 0; i < 98; i++) {
      run.sent(search);
      run.completed(search, "hold", i === 0 ? "http_5xx" : null, 20, true);
      recordMs(h, 20);
    }
    run.dropped(search, "hold");
    run.dropped(search, "hold");
    run.second({ ...emptySecond(t), offered: 100, achieved: 98 }, h);
    h.reset();
  }
  ticker.tick();
  assert.equal(
    lines.at(-1),
    "spike@reference 12/60 s, phase hold, 98.0/100.0 req/s achieved/offered, p95 20.0 ms, " +
      "errors 12, drops 24 (3.00% of 1200 requests)",
  );
  // Recall so far, once the live scoring has scored a measured search.
  run.recall = { k: 10, value: 0.98125, samples: 160 };
  ticker.tick();
  assert.equal(
    lines.at(-1),
    "spike@reference 12/60 s, phase hold, 98.0/100.0 req/s achieved/offered, p95 20.0 ms, " +
      "recall@10 0.981 (160 searches), errors 12, drops 24 (3.00% of 1200 requests)",
  );
  run.end();
  status.note("verifying 1000 documents");
  ticker.tick();
  assert.equal(lines.at(-1), "akibench: verifying 1000 documents");
  status.stop();
  assert.equal(ticker.stopped(), 1);
  h.destroy();
});

Deno.test("status line: rates over the closed seconds so far, a dash before the first p95", () => {
  const line = statusLine({
    scenario: "baseline",
    target: "akidb",
    elapsedS: 0,
    durationS: 29.5,
    phase: "",
    offered: 3,
    requests: 0,
    dropped: 0,
    errors: 0,
    p95Ms: null,
    recent: { seconds: 0, offered: 0, achieved: 0 },
    recall: null,
    running: true,
  });
  assert.equal(
    line,
    "baseline@akidb 0/30 s, 0.0/0.0 req/s achieved/offered, p95 – ms, errors 0, drops 0 (0.00% of 0 requests)",
  );
});
