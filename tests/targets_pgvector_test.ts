import assert from "node:assert/strict";
import { freePort } from "../src/targets/embedded_process.ts";
import { pgErrorClass } from "../src/targets/pg_error.ts";
import { startPglite } from "../src/targets/pglite_embedded.ts";
import { PgvectorTarget } from "../src/targets/pgvector.ts";
import { errorOf } from "./target_error_of.ts";
import {
  checkDeepSearch,
  checkTargetContract,
  commandLine,
  processAlive,
} from "./target_contract.ts";

Deno.test("pgvector target: embedded PGlite with pgvector passes the Target contract", async (t) => {
  const target = await startPglite();
  const pid = target.pid!;
  try {
    assert.match(
      await target.version(),
      /^PostgreSQL \d+\.\d+ \(PGlite 0\.5\.14\), pgvector 0\.8\.7$/,
    );
    assert.match(commandLine(pid), /pglite_server\.ts \S+akibench-pglite-data-/);
    assert.deepEqual(await target.capabilities(), {
      tiering: false,
      tenancy: false,
      audit: false,
      faults: false,
    });
    await checkTargetContract(t, target);
    await checkDeepSearch(t, target);

    await t.step("a duplicate id is refused (primary key), the first vector stays", async () => {
      const id = await target.createCollection({
        name: "akibench-dup",
        dimension: 3,
        metric: "l2",
      });
      const doc = { id: crypto.randomUUID(), vector: Float32Array.from([1, 2, 3]) };
      await target.insert(id, doc);
      const dup = await errorOf(
        target.insert(id, { ...doc, vector: Float32Array.from([4, 5, 6]) }),
      );
      assert.equal(dup.errorClass, "http_4xx");
      assert.match(dup.message, /23505/);
      assert.deepEqual((await target.get(id, doc.id))?.vector, doc.vector);
      await target.deleteCollection(id);
    });

    await t.step(
      "a dimension HNSW cannot index is refused when the collection is made",
      async () => {
        const err = await errorOf(
          target.createCollection({ name: "akibench-wide", dimension: 4096, metric: "cosine" }),
        );
        assert.equal(err.errorClass, "http_4xx");
        assert.match(err.message, /2000 dimensions/);
        assert.equal((await target.listCollections()).length, 0, "nothing half-made is left");
      },
    );
  } finally {
    await target.close();
  }
  assert.ok(!processAlive(pid), "close() stops the server");
});

Deno.test("pgvector target: an unreachable server is one line naming it, password hidden", async () => {
  const url = `postgres://bench:s3cret@127.0.0.1:${freePort()}/db`;
  await assert.rejects(
    () => PgvectorTarget.connect(url, { poolSize: 2 }),
    (err: Error) =>
      err.message.startsWith("postgres://bench:***@127.0.0.1:") &&
      err.message.includes("ECONNREFUSED") && !err.message.includes("s3cret") &&
      !err.message.includes("\n"),
  );
});

Deno.test("pgvector target: Postgres failures are classified like HTTP ones", () => {
  assert.equal(pgErrorClass("ECONNREFUSED"), "connection");
  assert.equal(pgErrorClass("CONNECTION_CLOSED"), "connection");
  assert.equal(pgErrorClass("08006"), "connection");
  assert.equal(pgErrorClass("57P01"), "connection");
  assert.equal(pgErrorClass("57014"), "timeout");
  assert.equal(pgErrorClass("23505"), "http_4xx");
  assert.equal(pgErrorClass("42601"), "http_4xx");
  assert.equal(pgErrorClass("22000"), "http_4xx");
  assert.equal(pgErrorClass("53100"), "http_5xx");
  assert.equal(pgErrorClass("XX000"), "http_5xx");
});
