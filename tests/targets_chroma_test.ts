import assert from "node:assert/strict";
import { ChromaTarget, scoreOf } from "../src/targets/chroma.ts";
import { startChroma } from "../src/targets/chroma_server.ts";
import { freePort } from "../src/targets/embedded_process.ts";
import { checkTargetContract, commandLine, processAlive } from "./target_contract.ts";

Deno.test("chroma target: the embedded Chroma 1.x server passes the Target contract", async (t) => {
  const target = await startChroma();
  const pid = target.pid!;
  try {
    assert.match(await target.version(), /^1\.\d+\.\d+ \(embedded: npm chromadb 3\.5\.0/);
    assert.match(commandLine(pid), /chromadb\/dist\/cli\.mjs run --path \S+ --host 127\.0\.0\.1/);
    assert.deepEqual(await target.capabilities(), {
      tiering: false,
      tenancy: false,
      audit: false,
      faults: false,
    });
    await checkTargetContract(t, target);

    await t.step("--url: a running Chroma, its default or a missing database", async () => {
      const remote = await ChromaTarget.connect(target.url, {
        tenant: "default_tenant",
        database: "default_database",
      });
      try {
        assert.equal(remote.pid, undefined);
        assert.match(await remote.version(), /^1\.\d+\.\d+$/);
        const id = await remote.createCollection({
          name: "akibench-remote",
          dimension: 4,
          metric: "dot",
        });
        assert.equal(
          (await target.getCollection(id))?.metric,
          "dot",
          "the same server's collection",
        );
        await remote.deleteCollection(id);
      } finally {
        await remote.close();
      }
      await assert.rejects(
        () => ChromaTarget.connect(target.url, { database: "no_such_db" }),
        (err: Error) =>
          err.message.startsWith(
            `${target.url}: GET /api/v2/tenants/default_tenant/databases/no_such_db: 404`,
          ) &&
          !err.message.includes("\n"),
      );
    });

    await t.step("a duplicate id is ignored: the first vector stays", async () => {
      const id = await target.createCollection({
        name: "akibench-dup",
        dimension: 3,
        metric: "l2",
      });
      const doc = { id: crypto.randomUUID(), vector: Float32Array.from([1, 2, 3]) };
      await target.insert(id, doc);
      await target.insert(id, { ...doc, vector: Float32Array.from([4, 5, 6]) });
      assert.deepEqual((await target.get(id, doc.id))?.vector, doc.vector);
      assert.equal((await target.getCollection(id))?.documentCount, 1);
      await target.deleteCollection(id);
    });
  } finally {
    await target.close();
  }
  assert.ok(!processAlive(pid), "close() stops the server");
});

Deno.test("chroma target: an unreachable URL is one line naming it", async () => {
  const url = `http://127.0.0.1:${freePort()}`;
  await assert.rejects(
    () => ChromaTarget.connect(url),
    (err: Error) =>
      err.message.startsWith(`${url}: GET /api/v2/version: `) && !err.message.includes("\n"),
  );
});

Deno.test("chroma target: an older Chroma or another server is refused in one line", async () => {
  let version = "0.6.3";
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/api/v2/version" && version) return Response.json(version);
    return new Response("Not Found", { status: 404 });
  });
  const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  try {
    await assert.rejects(
      () => ChromaTarget.connect(url),
      new Error(`${url} runs Chroma 0.6.3; akibench drives Chroma 1.x (API v2)`),
    );
    version = "";
    await assert.rejects(
      () => ChromaTarget.connect(url),
      new Error(`${url}: GET /api/v2/version: 404 Not Found`),
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("chroma target: distances become the engine's scores exactly", () => {
  assert.equal(scoreOf("cosine", 0.25), 0.75);
  assert.equal(scoreOf("dot", -2), 3);
  assert.equal(scoreOf("l2", 25), 5);
});
