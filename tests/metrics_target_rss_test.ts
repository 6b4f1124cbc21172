import assert from "node:assert/strict";
import { readTargetRssMb } from "../src/metrics/target_rss.ts";

Deno.test("target RSS: from /proc/<pid> when the target runs here", async () => {
  const own = Deno.memoryUsage().rss / (1024 * 1024);
  const rss = await readTargetRssMb({ pid: Deno.pid });
  assert.ok(rss !== null && Math.abs(rss - own) < 0.1 * own, `${rss} MB, own ${own} MB`);
});

Deno.test("target RSS: from the target's /metrics otherwise, null when neither answers", async () => {
  let status = 200;
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () =>
      new Response(
        "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 3.3554432e+08\n",
        { status },
      ),
  );
  const metricsUrl = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/metrics`;
  try {
    assert.equal(await readTargetRssMb({ metricsUrl }), 320);
    // A pid that is not running falls back to the endpoint.
    assert.equal(await readTargetRssMb({ pid: 2 ** 22 + 1, metricsUrl }), 320);
    status = 503;
    assert.equal(await readTargetRssMb({ metricsUrl }), null);
    assert.equal(await readTargetRssMb({}), null);
  } finally {
    await server.shutdown();
  }
});
