import assert from "node:assert/strict";
import { call, docId, randomVectors } from "./server_http_client.ts";
import { spawnServer } from "./server_child.ts";

const DIM = 128;

Deno.test("server: after SIGKILL mid-load every acknowledged write survives, nothing is torn", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "akibench-crash-" });
  const first = await spawnServer(dataDir);
  const id = (await call(first.url, "POST", "/api/v1/collections", {
    name: "crash",
    dimension: DIM,
    metric: "l2",
  })).body.collection_id;
  const vectors = randomVectors(8_000, DIM, 7);
  const acked = new Set<number>();
  const ackedDeletes = new Set<number>();
  const attemptedDeletes = new Set<number>();
  const attempted = new Set<number>();
  let next = 0;
  let stop = false;
  const client = async () => {
    while (!stop) {
      const i = next++;
      attempted.add(i);
      try {
        const r = await call(first.url, "POST", `/api/v1/collections/${id}/insert`, {
          doc_id: docId(i),
          vector: vectors[i],
        });
        if (r.status === 200) acked.add(i);
        if (r.status === 200 && i % 10 === 0) {
          attemptedDeletes.add(i);
          const d = await call(first.url, "DELETE", `/api/v1/collections/${id}/docs/${docId(i)}`);
          if (d.status === 200) ackedDeletes.add(i);
        }
      } catch {
        return; // connection refused/reset after the kill
      }
    }
  };
  const clients = Array.from({ length: 8 }, client);
  const deadline = Date.now() + 60_000;
  while (acked.size < 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  first.child.kill("SIGKILL");
  stop = true;
  await Promise.all(clients);
  assert.equal((await first.child.status).signal, "SIGKILL");
  assert.ok(acked.size >= 2000, `only ${acked.size} inserts acknowledged within 60 s`);
  await first.child.stdout.cancel().catch(() => {});

  const second = await spawnServer(dataDir);
  try {
    const replayed = await call(second.url, "GET", `/api/v1/collections/${id}`);
    assert.equal(replayed.status, 200);
    let present = 0;
    const ids = [...attempted];
    const docs = new Map<number, { vector: number[] } | null>();
    for (let start = 0; start < ids.length; start += 32) {
      await Promise.all(
        ids.slice(start, start + 32).map(async (i) => {
          const path = `/api/v1/collections/${id}/docs/${docId(i)}`;
          docs.set(i, (await call(second.url, "GET", path)).body.document);
        }),
      );
    }
    for (const i of ids) {
      const doc = docs.get(i);
      if (ackedDeletes.has(i)) {
        assert.equal(doc, null, `acknowledged delete of ${i} was lost`);
        continue;
      }
      // An unacknowledged delete may or may not have been applied; either is correct.
      if (acked.has(i) && !attemptedDeletes.has(i)) {
        assert.ok(doc, `acknowledged insert ${i} was lost`);
      }
      if (doc) {
        present++;
        // Read back as float32: the server writes each in its shortest form.
        assert.deepEqual(
          doc.vector.map(Math.fround),
          vectors[i].map(Math.fround),
          `doc ${i} is torn`,
        );
      }
    }
    assert.equal(replayed.body.collection.document_count, present);
    // Search still works and finds an acknowledged vector exactly.
    const probe = [...acked].find((i) => !ackedDeletes.has(i))!;
    const q = await call(second.url, "POST", `/api/v1/collections/${id}/query`, {
      query_vector: vectors[probe],
      top_k: 1,
    });
    assert.equal(q.body.matches[0].doc_id, docId(probe));
    assert.ok(
      (await Array.fromAsync(Deno.readDir(`${dataDir}/snapshots`))).length >= 1,
      "a checkpoint ran during the load (1 MiB WAL limit)",
    );
  } finally {
    second.child.kill("SIGTERM");
    assert.equal((await second.child.status).code, 0);
    await second.child.stdout.cancel().catch(() => {});
    await Deno.remove(dataDir, { recursive: true });
  }
});
