import assert from "node:assert/strict";
import { startServer } from "../src/server/start.ts";
import { call, docId, randomVectors } from "./server_http_client.ts";

const DIM = 24;

Deno.test("server: mixed concurrent inserts, deletes, queries and collection deletes keep state exact", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "akibench-mixed-" });
  let server = await startServer({ quiet: true, dataDir, index: { exactThreshold: 200 } });
  try {
    const u = server.url;
    const create = async (name: string) =>
      (await call(u, "POST", "/api/v1/collections", { name, dimension: DIM, metric: "cosine" }))
        .body.collection_id as string;
    const keep = [await create("keep-a"), await create("keep-b")];
    const vectors = randomVectors(4000, DIM, 11);
    const live = new Map<string, Set<number>>(keep.map((id) => [id, new Set()]));
    const deleted = new Set<number>();
    let next = 0;
    let failures = 0;
    const inserter = async () => {
      while (next < 2400) {
        const i = next++;
        const id = keep[i % 2];
        const r = await call(u, "POST", `/api/v1/collections/${id}/insert`, {
          doc_id: docId(i),
          vector: vectors[i],
        });
        if (r.status === 200) live.get(id)!.add(i);
        else failures++;
      }
    };
    const deleter = async () => {
      for (let round = 0; round < 300; round++) {
        const id = keep[round % 2];
        const candidates = [...live.get(id)!].filter((i) => !deleted.has(i));
        if (candidates.length === 0) {
          await new Promise((r) => setTimeout(r, 1));
          continue;
        }
        const i = candidates[(round * 7919) % candidates.length];
        deleted.add(i);
        const r = await call(u, "DELETE", `/api/v1/collections/${id}/docs/${docId(i)}`);
        if (r.status === 200) live.get(id)!.delete(i);
        else failures++;
      }
    };
    const querier = async () => {
      for (let round = 0; round < 150; round++) {
        const r = await call(u, "POST", `/api/v1/collections/${keep[round % 2]}/query`, {
          query_vector: vectors[round],
          top_k: 10,
        });
        if (r.status !== 200) failures++;
      }
    };
    const churner = async () => {
      for (let round = 0; round < 15; round++) {
        const id = await create(`victim-${round}`);
        const writes = Array.from(
          { length: 20 },
          (_, j) =>
            call(u, "POST", `/api/v1/collections/${id}/insert`, {
              doc_id: docId(100_000 + j),
              vector: vectors[j],
            }),
        );
        const queries = call(u, "POST", `/api/v1/collections/${id}/query`, {
          query_vector: vectors[0],
          top_k: 5,
        });
        const drop = call(u, "DELETE", `/api/v1/collections/${id}`);
        for (const r of await Promise.all([...writes, queries])) {
          assert.ok([200, 404].includes(r.status), `victim write/query got ${r.status}`);
        }
        assert.equal((await drop).status, 204);
        assert.equal((await call(u, "GET", `/api/v1/collections/${id}`)).status, 404);
      }
    };
    await Promise.all([
      ...Array.from({ length: 6 }, inserter),
      deleter(),
      deleter(),
      querier(),
      querier(),
      churner(),
    ]);
    assert.equal(failures, 0);

    const verify = async (url: string) => {
      const list = (await call(url, "GET", "/api/v1/collections")).body.collections;
      assert.deepEqual(list.map((c: { name: string }) => c.name).sort(), ["keep-a", "keep-b"]);
      for (const id of keep) {
        const expected = live.get(id)!;
        const info = await call(url, "GET", `/api/v1/collections/${id}`);
        assert.equal(info.body.collection.document_count, expected.size);
        for (let i = 0; i < 2400; i++) {
          if (keep[i % 2] !== id) continue;
          const doc = (await call(url, "GET", `/api/v1/collections/${id}/docs/${docId(i)}`)).body
            .document;
          if (expected.has(i)) {
            assert.deepEqual(doc.vector.map(Math.fround), vectors[i].map(Math.fround));
          } else assert.equal(doc, null, `doc ${i} should be deleted`);
        }
        // HNSW is approximate: each vector must find itself first in at least 38 of 40 cases.
        let selfHits = 0;
        for (const i of [...expected].slice(0, 40)) {
          const q = await call(url, "POST", `/api/v1/collections/${id}/query`, {
            query_vector: vectors[i],
            top_k: 3,
          });
          if (q.body.matches[0].doc_id === docId(i)) selfHits++;
        }
        assert.ok(selfHits >= 38, `only ${selfHits}/40 vectors found themselves`);
      }
    };
    await verify(u);
    await server.close();
    server = await startServer({ quiet: true, dataDir, index: { exactThreshold: 200 } });
    await verify(server.url);
  } finally {
    await server.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
