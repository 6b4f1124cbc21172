import assert from "node:assert/strict";
import { readTargetRssMb, steadyRssMb } from "../src/metrics/target_rss.ts";

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

/** A reader that answers the given readings in turn, then repeats the last one. */
function script(
  readings: (number | null)[],
): { read: () => Promise<number | null>; calls: () => number } {
  let i = 0;
  return {
    read: () => Promise.resolve(readings[Math.min(i++, readings.length - 1)]),
    calls: () => i,
  };
}

Deno.test("steady RSS: waits until the readings hold still over the window", async () => {
  // The reference server after a bulk load: a full GC and malloc_trim drop RSS 300 ms later.
  const s = script([298, 298, 295, 264, 264, 264, 264, 264, 264]);
  const mb = await steadyRssMb(s.read, { intervalMs: 1, windowMs: 3 });
  assert.equal(mb, 264);
  assert.equal(s.calls(), 7, "four readings of 264 in a row (a window of 3 intervals)");
  const flat = script([100.2, 100.4, 100.1, 100.3]);
  assert.equal(
    await steadyRssMb(flat.read, { intervalMs: 1, windowMs: 3 }),
    100.3,
    "within 0.5 MB",
  );
});

Deno.test("steady RSS: null without readings, the last reading when it never settles", async () => {
  assert.equal(await steadyRssMb(script([null]).read, { intervalMs: 1 }), null);
  assert.equal(await steadyRssMb(script([120, 118, null]).read, { intervalMs: 1 }), 118);
  let mb = 0;
  const climbing = () => Promise.resolve(mb += 10);
  const last = await steadyRssMb(climbing, { intervalMs: 1, windowMs: 3, timeoutMs: 30 });
  assert.ok(last !== null && last === mb, `${last}: the reading at the deadline`);
});
