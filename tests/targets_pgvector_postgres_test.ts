import assert from "node:assert/strict";
import { PgvectorTarget } from "../src/targets/pgvector.ts";
import { postgresBinDir, startPostgresCluster } from "./postgres_cluster.ts";
import { checkDeepSearch, checkTargetContract } from "./target_contract.ts";

const binDir = postgresBinDir();
if (binDir === null) {
  console.error(
    "targets_pgvector_postgres_test: skipped, PostgreSQL is not installed (pg_config --bindir); " +
      ".ci/run installs it with pgvector",
  );
}

Deno.test({
  name: "pgvector target: a real PostgreSQL with pgvector, through a pool of 4 connections",
  ignore: binDir === null,
  fn: async (t) => {
    const cluster = await startPostgresCluster(binDir!);
    try {
      const target = await PgvectorTarget.connect(cluster.url, { poolSize: 4 });
      try {
        assert.match(await target.version(), /^PostgreSQL \d+\.\d+.*, pgvector \d+\.\d+\.\d+$/);
        await checkTargetContract(t, target);
        await checkDeepSearch(t, target);

        await t.step("searches in flight together use several connections", async () => {
          const id = await target.createCollection({
            name: "akibench-pool",
            dimension: 3,
            metric: "l2",
          });
          await target.insertBatch(
            id,
            Array.from({ length: 20 }, (_, i) => ({
              id: crypto.randomUUID(),
              vector: Float32Array.from([i, 0, 0]),
            })),
          );
          const query = Float32Array.from([2.2, 0, 0]);
          const results = await Promise.all(
            Array.from({ length: 8 }, () => target.search(id, query, 3)),
          );
          for (const hits of results) {
            assert.deepEqual(hits.map((h) => Number(h.score.toFixed(4))), [0.2, 0.8, 1.2]);
          }
          const [{ n }] = await target.sql<{ n: number }[]>`
            SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'akibench'`;
          assert.ok(n >= 2, `${n} connection(s) of akibench`);
          assert.ok(n <= 4, `${n} connections, pool of 4`);
          await target.deleteCollection(id);
        });
      } finally {
        await target.close();
      }
    } finally {
      await cluster.stop();
    }
  },
});
