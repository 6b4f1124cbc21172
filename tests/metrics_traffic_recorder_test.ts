import assert from "node:assert/strict";
import * as hdr from "hdr-histogram-js";
import { initHistograms } from "../src/metrics/histogram.ts";
import { TrafficRecorder } from "../src/metrics/traffic_recorder.ts";

await initHistograms();

const search = (tenant: string) => ({ operation: "search", tenant });
const insert = (tenant: string) => ({ operation: "insert", tenant });

Deno.test("traffic recorder: per operation, tenant × operation and phase × operation", () => {
  const r = new TrafficRecorder();
  for (let i = 1; i <= 100; i++) r.complete(search("a"), "hold", null, i, i / 2);
  for (let i = 1; i <= 100; i++) r.complete(search("b"), "baseline", null, 1000 + i, 1);
  r.complete(insert("a"), "hold", "http_5xx", 5, 4);
  r.complete(insert("a"), "hold", "timeout", 900, null);
  r.drop(insert("b"), "baseline");
  const s = r.summary();
  r.destroy();
  assert.deepEqual(s.operations.map((o) => [o.operation, o.requests]), [
    ["all", 203],
    ["insert", 3],
    ["search", 200],
  ]);
  assert.equal(s.all, s.operations[0]);
  assert.deepEqual(s.all.errors_by_class, { http_5xx: 1, timeout: 1 });
  assert.equal(s.all.dropped, 1);
  // Percentiles come from the merged histogram: half the searches are ~1000 ms, half ≤ 100 ms.
  const searchStats = s.operations[2];
  assert.ok(Math.abs(searchStats.latency_ms.p50 - 100) < 0.1, `${searchStats.latency_ms.p50}`);
  assert.ok(Math.abs(searchStats.latency_ms.p99 - 1098) < 1.5, `${searchStats.latency_ms.p99}`);
  assert.equal(searchStats.latency_ms.count, 200);
  // A timeout that was never sent has a latency but no service time.
  assert.equal(s.operations[1].latency_ms.count, 2);
  assert.equal(s.operations[1].service_time_ms.count, 1);
  assert.deepEqual(
    s.tenants.map((t) => [t.tenant, t.operation, t.requests]),
    [["a", "all", 102], ["a", "insert", 2], ["a", "search", 100], ["b", "all", 101], [
      "b",
      "insert",
      1,
    ], ["b", "search", 100]],
  );
  assert.deepEqual(s.phases.map((p) => [p.phase, p.operation, p.requests]), [
    ["hold", "all", 102],
    ["hold", "insert", 2],
    ["hold", "search", 100],
    ["baseline", "all", 101],
    ["baseline", "insert", 1],
    ["baseline", "search", 100],
  ]);
  // The encoded histogram decodes to the same counts.
  const decoded = hdr.decodeFromCompressedBase64(searchStats.histograms.latency_us);
  assert.equal(decoded.totalCount, 200);
  assert.equal(decoded.getValueAtPercentile(50), searchStats.latency_ms.p50 * 1000);
});

Deno.test("traffic recorder: snapshots merge losslessly (as from workers)", () => {
  const whole = new TrafficRecorder();
  const parts = [new TrafficRecorder(), new TrafficRecorder(), new TrafficRecorder()];
  for (let i = 0; i < 3000; i++) {
    const latency = (i * 7919) % 5000 + 0.5;
    const errorClass = i % 100 === 0 ? "connection" : null;
    whole.complete(search(""), "", errorClass, latency, latency / 3);
    parts[i % 3].complete(search(""), "", errorClass, latency, latency / 3);
  }
  const merged = new TrafficRecorder();
  for (const p of parts) {
    merged.absorb(p.snapshot());
    p.destroy();
  }
  const a = whole.summary().all;
  const b = merged.summary().all;
  whole.destroy();
  merged.destroy();
  const { histograms: ha, ...restA } = a;
  const { histograms: hb, ...restB } = b;
  assert.deepEqual(restB, restA);
  // The encodings may differ in layout (array sizes), never in the recorded values.
  for (const key of ["latency_us", "service_time_us"] as const) {
    const x = hdr.decodeFromCompressedBase64(ha[key]);
    const y = hdr.decodeFromCompressedBase64(hb[key]);
    assert.equal(y.totalCount, x.totalCount);
    for (let p = 0.5; p <= 100; p += 0.5) {
      assert.equal(y.getValueAtPercentile(p), x.getValueAtPercentile(p));
    }
  }
});
