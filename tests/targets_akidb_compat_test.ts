import assert from "node:assert/strict";
import { startServer } from "../src/server/start.ts";
import { AKIDB_MAX_MATCHES, AkidbTarget, batchBodies } from "../src/targets/akidb.ts";
import type { Document } from "../src/targets/target.ts";
import { TargetError } from "../src/targets/target.ts";

const docId = (n: number) => `0190a0b0-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;
const docs = (n: number, dim: number): Document[] =>
  Array.from({ length: n }, (_, i) => ({
    id: docId(i),
    vector: Float32Array.from({ length: dim }, (_, j) => Math.sin(i * dim + j)),
  }));

Deno.test("akidb target on serve --compat akidb: AkiDB's features, its dot refusal and its 128-match cap", async () => {
  const server = await startServer({ quiet: true, compat: "akidb" });
  const target = new AkidbTarget(server.url);
  try {
    assert.deepEqual(await target.features(), {
      tiering: false,
      tenancy: false,
      audit: false,
      faults: false,
      batch_insert: false,
      max_matches: AKIDB_MAX_MATCHES,
    });
    const dot = await target.createCollection({ name: "d", dimension: 16, metric: "dot" }).then(
      () => null,
      (error) => error,
    );
    assert.ok(dot instanceof TargetError);
    assert.match(dot.message, /^AkiDB does not support dot over REST \(POST .* 500 invalid state/);
    const id = await target.createCollection({ name: "l", dimension: 16, metric: "l2" });
    for (const d of docs(150, 16)) await target.insert(id, d);
    const hits = await target.search(id, docs(1, 16)[0].vector, 200);
    assert.equal(hits.length, 128);
    assert.equal(hits[0].id, docId(0));
  } finally {
    await target.close();
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});

Deno.test("akidb target: insert_batch bodies stay under 2 MiB, every document loaded", async () => {
  const server = await startServer({ quiet: true });
  const target = new AkidbTarget(server.url);
  try {
    assert.equal((await target.features()).max_matches, undefined);
    const id = await target.createCollection({ name: "b", dimension: 1024, metric: "l2" });
    const batch = docs(300, 1024); // ~6 MB of JSON
    const bodies = batchBodies(batch, 2 * 1024 * 1024);
    assert.ok(bodies.length >= 3, `${bodies.length} bodies`);
    for (const body of bodies) assert.ok(new TextEncoder().encode(body).length <= 2 * 1024 * 1024);
    assert.deepEqual(
      bodies.flatMap((b) => JSON.parse(b).docs.map((d: { doc_id: string }) => d.doc_id)),
      batch.map((d) => d.id),
    );
    await target.insertBatch(id, batch);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const requests = new RegExp(
      `akibench_http_requests_total\\{method="POST",route="/api/v1/collections/:id/insert_batch",status="200"\\} (\\d+)`,
    ).exec(metrics);
    assert.equal(Number(requests?.[1]), bodies.length);
    assert.equal((await target.getCollection(id))?.documentCount, 300);
  } finally {
    await target.close();
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});

Deno.test("batchBodies: documents as JSON.stringify writes them, the limit counted in UTF-8 bytes", () => {
  const batch = docs(2, 16).map((d) => ({ ...d, externalId: "é".repeat(2000) }));
  const json = batch.map((d) =>
    JSON.stringify({ doc_id: d.id, external_id: d.externalId, vector: Array.from(d.vector) })
  );
  const whole = `{"docs":[${json.join(",")}]}`;
  const bytes = new TextEncoder().encode(whole).length;
  // The count keeps a byte for a comma after every document: one to spare.
  assert.deepEqual(batchBodies(batch, bytes + 1), [whole]);
  // A byte less: two bodies, though the text is 4,000 characters shorter than its bytes.
  assert.deepEqual(batchBodies(batch, bytes), json.map((j) => `{"docs":[${j}]}`));
});
