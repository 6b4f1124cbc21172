import assert from "node:assert/strict";
import { call, docId, randomVectors } from "./server_http_client.ts";
import { spawnServer } from "./server_child.ts";

const DIM = 64;

Deno.test("server: after SIGKILL, warm and cold collections and every acknowledged write survive", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "akibench-tier-crash-" });
  const first = await spawnServer(dataDir, ["--tiering"]);
  let second: Awaited<ReturnType<typeof spawnServer>> | null = null;
  try {
    const api = (url: string, method: string, path: string, body?: unknown) =>
      call(url, method, path, body);
    const create = async (name: string) =>
      (await api(first.url, "POST", "/api/v1/collections", { name, dimension: DIM, metric: "l2" }))
        .body.collection_id as string;
    const a = await create("warm");
    const b = await create("cold");
    const c = await create("hot");
    const vectors = randomVectors(6000, DIM, 11);
    const insert = async (id: string, from: number, to: number) => {
      const docs = [];
      for (let i = from; i < to; i++) docs.push({ doc_id: docId(i), vector: vectors[i] });
      const r = await api(first.url, "POST", `/api/v1/collections/${id}/insert_batch`, { docs });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    const tier = async (id: string, action: string) =>
      (await api(first.url, "POST", `/api/v1/collections/${id}/tier`, { action })).body;
    await insert(a, 0, 400);
    await insert(b, 400, 800);
    assert.equal((await tier(a, "demote_to_warm")).tier, "warm");
    assert.equal((await tier(b, "demote_to_cold")).tier, "cold");

    // Enough writes to C for a checkpoint (1 MiB WAL): it holds A as a linked file, B as an object.
    const compactions = async () =>
      Number(
        /^akidb_compactions_total (\d+)$/m.exec((await api(first.url, "GET", "/metrics")).body)![1],
      );
    // The WAL passes 1 MiB within these inserts; the checkpoint then runs on its own time, so
    // the test waits for it to finish rather than racing it with more inserts.
    let cEnd = 800;
    while ((await compactions()) === 0 && cEnd < 4500) {
      await insert(c, cEnd, cEnd + 200);
      cEnd += 200;
    }
    const deadline = Date.now() + 60_000;
    while ((await compactions()) === 0) {
      assert.ok(Date.now() < deadline, "no checkpoint finished after 3,700 inserts");
      await new Promise((r) => setTimeout(r, 20));
    }

    const seq = (await Deno.readTextFile(`${dataDir}/CURRENT`)).trim();
    // manifest.json: a checksum line, then the JSON.
    const manifestText = await Deno.readTextFile(`${dataDir}/snapshots/${seq}/manifest.json`);
    const manifest = JSON.parse(manifestText.slice(manifestText.indexOf("\n") + 1));
    assert.equal(manifest.evicted[a].file, true, "warm A is a hard link in the snapshot");
    assert.equal(manifest.evicted[b].file, false, "cold B is only its object key");

    // After the checkpoint: a write to cold B and a delete in warm A promote them (B's bytes come
    // from S3); A is demoted again with the delete in its new image. Then C takes writes until
    // the kill, so recovery replays WAL records onto collections the snapshot holds as evicted.
    const extra = { doc_id: docId(9000), vector: vectors[5999] };
    assert.equal(
      (await api(first.url, "POST", `/api/v1/collections/${b}/insert`, extra)).status,
      200,
    );
    assert.equal(
      (await api(first.url, "DELETE", `/api/v1/collections/${a}/docs/${docId(7)}`)).status,
      200,
    );
    assert.equal((await tier(a, "demote_to_warm")).tier, "warm");
    const acked = new Set<number>();
    let next = 4500;
    let stop = false;
    const client = async () => {
      while (!stop && next < 5990) {
        const i = next++;
        try {
          const r = await api(first.url, "POST", `/api/v1/collections/${c}/insert`, {
            doc_id: docId(i),
            vector: vectors[i],
          });
          if (r.status === 200) acked.add(i);
        } catch {
          return; // connection refused/reset after the kill
        }
      }
    };
    const clients = Array.from({ length: 4 }, client);
    while (acked.size < 100) await new Promise((r) => setTimeout(r, 5));
    first.child.kill("SIGKILL");
    stop = true;
    await Promise.all(clients);
    assert.equal((await first.child.status).signal, "SIGKILL");
    await first.child.stdout.cancel().catch(() => {});

    second = await spawnServer(dataDir, ["--tiering"]);
    const url = second.url;
    const tierOf = async (id: string) =>
      (await api(url, "GET", `/api/v1/collections/${id}/tier`)).body;
    const stA = await tierOf(a);
    assert.equal(stA.tier, "warm");
    assert.equal(stA.resident, false, "a warm collection is not loaded by the restart");
    assert.equal((await tierOf(b)).tier, "hot");
    // Vectors read back as float32 (the server writes each in its shortest form).
    const doc = async (id: string, i: number) => {
      const d = (await api(url, "GET", `/api/v1/collections/${id}/docs/${docId(i)}`)).body.document;
      return d && { ...d, vector: d.vector.map(Math.fround) };
    };
    for (let i = 0; i < 400; i++) {
      const d = await doc(a, i);
      if (i === 7) assert.equal(d, null, "acknowledged delete in A lost");
      else assert.deepEqual(d?.vector, vectors[i].map(Math.fround), `A doc ${i}`);
    }
    for (let i = 400; i < 800; i++) {
      assert.deepEqual((await doc(b, i))?.vector, vectors[i].map(Math.fround), `B doc ${i}`);
    }
    assert.deepEqual((await doc(b, 9000))?.vector, vectors[5999].map(Math.fround));
    const inC = Array.from({ length: cEnd - 800 }, (_, i) => 800 + i);
    for (const i of [...inC, ...acked]) {
      assert.deepEqual((await doc(c, i))?.vector, vectors[i].map(Math.fround), `C doc ${i}`);
    }
  } finally {
    try {
      first.child.kill("SIGKILL");
    } catch {
      // already killed
    }
    await first.child.status;
    if (second !== null) {
      second.child.kill("SIGTERM");
      await second.child.status;
      await second.child.stdout.cancel().catch(() => {});
    }
    await Deno.remove(dataDir, { recursive: true });
  }
});
