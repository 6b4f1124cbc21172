import assert from "node:assert/strict";
import { startServer } from "../src/server/start.ts";
import { AKIDB_MAX_MATCHES, AkidbTarget, batchBodies } from "../src/targets/akidb.ts";
import type { Document } from "../src/targets/target.ts";
import { TargetError } from "../src/targets/target.ts";

const decoder = new TextDecoder();
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
    const batch = docs(600, 1024); // ~7 MB of JSON
    const bodies = batchBodies(batch, 2 * 1024 * 1024);
    assert.ok(bodies.length >= 3, `${bodies.length} bodies`);
    for (const body of bodies) assert.ok(body.length <= 2 * 1024 * 1024);
    const sent = bodies.flatMap((b) => JSON.parse(decoder.decode(b)).docs);
    assert.deepEqual(sent.map((d: { doc_id: string }) => d.doc_id), batch.map((d) => d.id));
    sent.forEach((d: { vector: number[] }, i: number) =>
      assert.deepEqual(Float32Array.from(d.vector), batch[i].vector)
    );
    await target.insertBatch(id, batch);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const requests = new RegExp(
      `akibench_http_requests_total\\{method="POST",route="/api/v1/collections/:id/insert_batch",status="200"\\} (\\d+)`,
    ).exec(metrics);
    assert.equal(Number(requests?.[1]), bodies.length);
    assert.equal((await target.getCollection(id))?.documentCount, 600);
  } finally {
    await target.close();
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});

Deno.test("batchBodies: documents in order, each body at most the limit in UTF-8 bytes", () => {
  const batch = docs(3, 16).map((d) => ({ ...d, externalId: "é".repeat(2000) }));
  const whole = decoder.decode(batchBodies(batch, 1 << 20)[0]);
  const parsed = JSON.parse(whole).docs;
  assert.deepEqual(parsed.map((d: { external_id: string }) => d.external_id), [
    ...batch.map((d) => d.externalId),
  ]);
  parsed.forEach((d: { vector: number[] }, i: number) =>
    assert.deepEqual(Float32Array.from(d.vector), batch[i].vector)
  );
  const bytes = new TextEncoder().encode(whole).length;
  assert.equal(batchBodies(batch, bytes).length, 1, "exactly the limit: one body");
  // A byte less: the last document opens a second body (its text is 6,000 characters shorter
  // than its bytes), which a document alone above the limit still gets.
  const split = batchBodies(batch, bytes - 1).map((b) => JSON.parse(decoder.decode(b)).docs.length);
  assert.deepEqual(split, [2, 1]);
  assert.deepEqual(batchBodies(batch, 100).map((b) => JSON.parse(decoder.decode(b)).docs.length), [
    1,
    1,
    1,
  ]);
});
