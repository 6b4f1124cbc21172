import assert from "node:assert/strict";
import { startServer } from "../src/server/start.ts";
import { docId, postOk } from "./server_http_client.ts";

const FLOAT32_MAX = 3.4028234663852886e38;

Deno.test("server: vectors near the float32 maximum get finite, exact scores in every metric", async () => {
  const server = await startServer({ quiet: true });
  try {
    const u = server.url;
    const huge = Array.from({ length: 16 }, (_, i) => (i % 2 ? -1 : 1) * FLOAT32_MAX);
    const small = Array.from({ length: 16 }, (_, i) => (i % 3) - 1);
    const want = {
      // Cosine self-similarity is 1 (it read 0: the norm overflowed float32 to Infinity).
      cosine: 1,
      l2: 0,
      dot: 16 * Math.fround(FLOAT32_MAX) ** 2,
    };
    for (const metric of ["cosine", "l2", "dot"] as const) {
      const id = (await postOk(u, "/api/v1/collections", { name: metric, dimension: 16, metric }))
        .collection_id;
      await postOk(u, `/api/v1/collections/${id}/insert`, { doc_id: docId(1), vector: huge });
      await postOk(u, `/api/v1/collections/${id}/insert`, { doc_id: docId(2), vector: small });
      const res = await postOk(u, `/api/v1/collections/${id}/query`, {
        query_vector: huge,
        top_k: 2,
      });
      assert.equal(res.matches[0].doc_id, docId(1), metric);
      const distance = res.matches[0].distance;
      assert.ok(Math.abs(distance - want[metric]) <= 1e-12 * Math.abs(want[metric]), metric);
      assert.ok(res.matches.every((m: { distance: number }) => Number.isFinite(m.distance)));
    }
  } finally {
    await server.close();
  }
});
