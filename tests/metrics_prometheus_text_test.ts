import assert from "node:assert/strict";
import { parsePrometheusText, seriesKey } from "../src/metrics/prometheus_text.ts";

const TEXT = `# HELP akidb_circuit_breaker_state 0 closed, 1 open, 2 half-open
# TYPE akidb_circuit_breaker_state gauge
akidb_circuit_breaker_state 1
# TYPE akidb_tier_documents gauge
akidb_tier_documents{tier="hot",collection="c 1"} 1200
akidb_tier_documents{ collection="c\\"2\\"", tier="cold" , } 3.5e3 1712345678000
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="+Inf"} 42
weird_value NaN
neg -Inf
this is not a sample
bad{label=unquoted} 1
process_resident_memory_bytes 1.048576e+08
`;

Deno.test("Prometheus text: types, labels with escapes, timestamps, special values", () => {
  const { samples, types } = parsePrometheusText(TEXT);
  assert.equal(types.akidb_circuit_breaker_state, "gauge");
  assert.equal(types.http_request_duration_seconds, "histogram");
  const by = (name: string) => samples.filter((s) => s.name === name);
  assert.deepEqual(by("akidb_circuit_breaker_state"), [
    { name: "akidb_circuit_breaker_state", labels: {}, value: 1 },
  ]);
  assert.deepEqual(by("akidb_tier_documents").map((s) => [s.labels, s.value]), [
    [{ tier: "hot", collection: "c 1" }, 1200],
    [{ collection: 'c"2"', tier: "cold" }, 3500],
  ]);
  assert.deepEqual(by("http_request_duration_seconds_bucket")[0].labels, { le: "+Inf" });
  assert.ok(Number.isNaN(by("weird_value")[0].value));
  assert.equal(by("neg")[0].value, -Infinity);
  assert.equal(by("process_resident_memory_bytes")[0].value, 104857600);
  // Malformed lines are skipped.
  assert.equal(by("this").length, 0);
  assert.equal(by("bad").length, 0);
  assert.equal(samples.length, 7);
});

Deno.test("Prometheus text: series keys are stable whatever the label order", () => {
  const [a, b] = parsePrometheusText('m{b="2",a="1"} 1\nm{a="1",b="2"} 2\n').samples;
  assert.equal(seriesKey(a), 'm{a="1",b="2"}');
  assert.equal(seriesKey(a), seriesKey(b));
  assert.equal(seriesKey({ name: "up", labels: {}, value: 1 }), "up");
});
