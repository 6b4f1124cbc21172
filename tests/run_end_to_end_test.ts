import assert from "node:assert/strict";
import { runScenario } from "../src/run/run_scenario.ts";
import { parseScenario } from "../src/scenario/read_scenario.ts";
import { AkidbTarget } from "../src/targets/akidb.ts";
import { ReferenceTarget } from "../src/targets/reference.ts";

const TINY = `name: Tiny
seed: 5
duration: 3s
load: { type: constant, qps: 40 }
arrivals: poisson
concurrency: 8
timeout: 5s
mix: { search: 50, insert: 20, update: 10, delete: 10, metadata: 10 }
dataset: { size: 400, dim: 16, metric: cosine, clusters: 4, queries: 20, k: 20, collections: 2 }
recall: { share: 50%, k: 5 }
integrity: { sample: 1000 }
criteria:
  - error_rate < 1%
  - recall@5 > 0.8
  - corruption == 0
  - crashes == 0
`;

/** One dataset cache for the file's tests (generated once). */
const datasetDir = await Deno.makeTempDir({ prefix: "akibench-e2e-" });
globalThis.addEventListener("unload", () => Deno.removeSync(datasetDir, { recursive: true }));

Deno.test("end to end: a tiny scenario against the real reference server", async () => {
  const target = await ReferenceTarget.start();
  try {
    const scenario = parseScenario(TINY, "tiny.yaml", "full");
    const r = await runScenario(scenario, target, { datasetDir });
    assert.ok(["passed", "invalid"].includes(r.status), `${r.status}: ${r.status_reason}`);
    if (r.status === "invalid") assert.match(r.status_reason ?? "", /generator saturated/);
    assert.ok(r.total_requests > 60 && r.total_requests < 200, `${r.total_requests} requests`);
    assert.equal(r.failed_requests, 0, JSON.stringify(r.operations[0].errors_by_class));
    assert.deepEqual(
      r.operations.map((o) => o.operation).sort(),
      ["all", "delete", "insert", "metadata", "search", "update"],
    );
    assert.ok(r.recall && r.recall.samples > 10, "recall measured under load");
    assert.ok((r.recall.overall ?? 0) > 0.8, `recall ${r.recall.overall}`);
    assert.ok(r.integrity && r.integrity.checked >= 400, "base and run writes read back");
    assert.equal(r.integrity.corruption, 0);
    assert.equal(r.checks?.crashes, 0);
    assert.equal(r.success_criteria.results.length, 4);
    assert.equal(r.success_criteria.passed, true, r.success_criteria.failures.join("; "));
    assert.match(r.scenario_hash, /^[0-9a-f]{64}$/);
    assert.match(r.dataset.hash, /^[0-9a-f]{64}$/);
    assert.equal(r.target.name, "reference");
    assert.equal(r.environment.deno_version, Deno.version.deno);
    assert.ok(r.memory_mb !== null, "target RSS sampled through its pid");
    // 400 base vectors are too few to measure what one costs: the raw floats are counted.
    assert.equal(r.memory_mb.bytes_per_vector_source, "raw");
    assert.equal(r.memory_mb.bytes_per_vector, 16 * 4);
    assert.equal(r.memory_mb.bytes_per_vector_raw_reason, "bulk load of 400 vectors, under 10000");
    assert.deepEqual(await target.listCollections(), [], "teardown removed the collections");
  } finally {
    await target.close();
  }
});

Deno.test("end to end: the writes are counted at the target's RSS cost per vector in the bulk load", async () => {
  const target = await ReferenceTarget.start();
  try {
    const scenario = parseScenario(
      TINY.replace("duration: 3s", "duration: 2s")
        .replace("size: 400, dim: 16", "size: 10000, dim: 128"),
      "tiny.yaml",
      "full",
    );
    const r = await runScenario(scenario, target, { datasetDir });
    const m = r.memory_mb;
    assert.ok(m !== null && m.written !== undefined, "target RSS sampled, writes counted");
    assert.equal(m.bytes_per_vector_source, "bulk_load");
    assert.ok(m.bytes_per_vector! > 0, `${m.bytes_per_vector} bytes per vector`);
    // Every acknowledged insert, and the insert half of every update, at that cost.
    const ok = (op: string) => r.operations.find((o) => o.operation === op)?.successful ?? 0;
    const written = (ok("insert") + ok("update")) * m.bytes_per_vector! / (1024 * 1024);
    assert.ok(written > 0 && Math.abs(m.written - written) < 0.001, `${m.written} MB, ${written}`);
  } finally {
    await target.close();
  }
});

Deno.test("end to end: a tiering target's tier and breaker gauges are kept without a criterion", async () => {
  const target = await ReferenceTarget.start({ tiering: true });
  try {
    const scenario = parseScenario(
      TINY.replace("duration: 3s", "duration: 2s").replace(
        "criteria:",
        "requires: [tiering]\nserver:\n  tiering: { hot_to_warm_idle: 10m, warm_to_cold_idle: 60m, warm_to_hot_accesses: 10, warm_to_hot_window: 1m }\ncriteria:",
      ),
      "tiny.yaml",
      "full",
    );
    const r = await runScenario(scenario, target, { datasetDir });
    const series = r.series.target_metrics;
    const hot = series['akidb_tier_collections{tier="hot"}'] ?? [];
    assert.ok(hot.length >= 2, `hot-tier series sampled: ${Object.keys(series).join(", ")}`);
    assert.ok(hot.some((p) => p.value === 2), "both collections seen in the hot tier");
    assert.ok(series['akidb_tier_collections{tier="cold"}']?.length, "cold-tier series sampled");
    assert.ok(series["akidb_circuit_breaker_state"]?.every((p) => p.value === 0), "breaker closed");
    assert.ok(series["akidb_dlq_size"]?.length, "dead-letter queue sampled");
  } finally {
    await target.close();
  }
});

Deno.test("a scenario needing a missing capability is skipped, not passed", async () => {
  // A server without extensions: GET /api/v1/capabilities is 404 there (AkiDB as shipped).
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => new Response("Not Found", { status: 404 }),
  );
  const target = new AkidbTarget(`http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`);
  try {
    const scenario = parseScenario(
      TINY.replace("criteria:", "requires: [tiering, faults]\ncriteria:"),
      "tiny.yaml",
      "full",
    );
    const r = await runScenario(scenario, target);
    assert.equal(r.status, "skipped");
    assert.equal(r.status_reason, "target lacks tiering, faults");
    assert.equal(r.total_requests, 0);
  } finally {
    await target.close();
    await server.shutdown();
  }
});

Deno.test("end to end: a target that dies mid-run yields errors in the report, not a crash", async () => {
  const target = await ReferenceTarget.start();
  try {
    const scenario = parseScenario(TINY, "tiny.yaml", "full");
    let killed = false;
    const r = await runScenario(scenario, target, {
      datasetDir,
      onProgress: (m) => {
        if (!killed && m.startsWith("load 1/")) {
          killed = true;
          Deno.kill(target.pid, "SIGKILL");
        }
      },
    });
    assert.ok(killed, "killed during the load");
    assert.equal(r.checks?.crashes, 1);
    assert.ok(r.failed_requests > 0);
    assert.ok((r.operations[0].errors_by_class.connection ?? 0) > 0);
    assert.notEqual(r.status, "passed");
    // A machine too busy to keep the schedule makes the run invalid, and the status reason says
    // that first (as for the tiny scenario above); the target's exit comes next either way.
    let reason = r.status_reason ?? "";
    if (r.status === "invalid") {
      const starved = `${r.generator.reason}; `;
      assert.match(starved, /^generator saturated: /);
      assert.ok(reason.startsWith(starved), reason);
      reason = reason.slice(starved.length);
    }
    assert.match(
      reason,
      /^the target stopped answering its health check \(reference server exited \(signal SIGKILL\)\)/,
    );
  } finally {
    await target.close();
  }
});

Deno.test("end to end: an interrupted run stops scheduling and is marked interrupted", async () => {
  const target = await ReferenceTarget.start();
  try {
    const scenario = parseScenario(TINY.replace("duration: 3s", "duration: 30s"), "t.yaml", "full");
    const controller = new AbortController();
    const started = performance.now();
    const r = await runScenario(scenario, target, {
      datasetDir,
      signal: controller.signal,
      onProgress: (m) => {
        if (m.startsWith("load 2/")) controller.abort();
      },
    });
    assert.equal(r.status, "interrupted");
    assert.match(r.status_reason ?? "", /Ctrl-C/);
    assert.ok(r.duration_seconds < 10, `stopped after ${r.duration_seconds} s`);
    assert.ok(r.total_requests > 0 && r.total_requests < 600);
    assert.ok(performance.now() - started < 60_000);
    assert.deepEqual(await target.listCollections(), [], "teardown still ran");
  } finally {
    await target.close();
  }
});
