import assert from "node:assert/strict";
import { releaseMemory } from "../src/server/memory_release.ts";
import { startServer } from "../src/server/start.ts";
import { uuidV7 } from "../src/server/uuid_v7.ts";
import { postOk, prng } from "./server_http_client.ts";

function rssBytes(): number {
  return Number(Deno.readTextFileSync("/proc/self/statm").split(" ")[1]) * 4096;
}

Deno.test({
  name: "releaseMemory returns dead buffers, even ones pinned between live ones, to the OS",
  ignore: Deno.build.os !== "linux",
  fn() {
    // 64 KiB buffers come from glibc's heap, not their own mappings; every 16th stays alive, so
    // the freed ones are holes that neither free() nor V8 hands back by itself.
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 4096; i++) chunks.push(new Uint8Array(64 * 1024).fill(i & 255));
    const kept = chunks.filter((_, i) => i % 16 === 0);
    chunks.length = 0;
    const before = rssBytes();
    releaseMemory();
    const released = before - rssBytes();
    assert.ok(released > 150 * 2 ** 20, `released ${(released / 2 ** 20).toFixed(0)} MiB`);
    assert.equal(kept.every((chunk, i) => chunk[0] === ((i * 16) & 255)), true);
  },
});

Deno.test("the server releases memory after a bulk load only once no request has come for a while", async () => {
  // The test says when a quiet period is over: the release's rule is what is tested, not the
  // scheduler (a busy machine can hold any loop of requests still for 250 ms).
  const quietChecks: (() => void)[] = [];
  const server = await startServer({
    port: 0,
    quiet: true,
    index: { exactThreshold: 64 },
    storage: {
      quietTimer: (check) => {
        quietChecks.push(check);
        return { cancel: () => quietChecks.splice(quietChecks.indexOf(check) >>> 0, 1) };
      },
    },
  });
  const dim = 16;
  const next = prng(3);
  const post = (path: string, body: unknown) => postOk(server.url, path, body);
  const { collection_id: id } = await post("/api/v1/collections", {
    name: "bulk",
    dimension: dim,
    metric: "cosine",
  });
  const vector = () => Array.from({ length: dim }, () => next() * 2 - 1);
  const query = () => post(`/api/v1/collections/${id}/query`, { query_vector: vector(), top_k: 5 });
  const bulkLoad = async () => {
    for (let batch = 0; batch < 9; batch++) {
      const docs = Array.from({ length: 500 }, () => ({ doc_id: uuidV7(), vector: vector() }));
      await post(`/api/v1/collections/${id}/insert_batch`, { docs });
    }
  };
  /**
   * Waits for the release to ask for a quiet period, runs `during` (requests within that period),
   * then says that the period is over.
   */
  const quietPeriodEnds = async (during = async () => {}) => {
    const deadline = performance.now() + 30_000;
    while (quietChecks.length === 0) {
      assert.ok(performance.now() < deadline, "the server never asked for a quiet period");
      await new Promise((r) => setTimeout(r, 10));
    }
    await during();
    quietChecks.shift()!();
  };
  const releases = () => server.store.counters.memoryReleases;
  try {
    await quietPeriodEnds(); // the release after (empty) recovery
    assert.equal(releases(), 1);
    await bulkLoad();
    await quietPeriodEnds();
    assert.equal(releases(), 2, "released once the bulk load was indexed and nothing came");
    await bulkLoad();
    for (let i = 0; i < 3; i++) {
      await quietPeriodEnds(query);
      assert.equal(releases(), 2, "no release (and its GC pause) while queries keep coming");
    }
    await quietPeriodEnds();
    assert.equal(releases(), 3, "released once the queries stopped");
  } finally {
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});

Deno.test("the server releases memory after a bulk load into a collection too small for a graph", async () => {
  const quietChecks: (() => void)[] = [];
  const server = await startServer({
    port: 0,
    quiet: true,
    storage: {
      quietTimer: (check) => {
        quietChecks.push(check);
        return { cancel: () => quietChecks.splice(quietChecks.indexOf(check) >>> 0, 1) };
      },
    },
  });
  const dim = 512;
  const next = prng(5);
  const post = (path: string, body: unknown) => postOk(server.url, path, body);
  const releases = () => server.store.counters.memoryReleases;
  try {
    while (quietChecks.length === 0) await new Promise((r) => setTimeout(r, 10));
    quietChecks.shift()!(); // the release after (empty) recovery
    assert.equal(releases(), 1);
    const { collection_id: id } = await post("/api/v1/collections", {
      name: "small",
      dimension: dim,
      metric: "cosine",
    });
    // 1,000 × 512-d (2 MB of vectors): below the exact threshold, so no merge asks for a release.
    for (let batch = 0; batch < 4; batch++) {
      const docs = Array.from({ length: 250 }, () => ({
        doc_id: uuidV7(),
        vector: Array.from({ length: dim }, () => next() * 2 - 1),
      }));
      await post(`/api/v1/collections/${id}/insert_batch`, { docs });
    }
    // The release was asked for mid-load (at 1 MiB of vectors); the first quiet check sees the
    // batches that came since and asks again, the next one finds the server quiet.
    for (let check = 0; check < 2 && releases() === 1; check++) {
      assert.equal(quietChecks.length, 1, "the bulk load asked for a quiet period");
      quietChecks.shift()!();
    }
    assert.equal(releases(), 2, "released once the bulk load was over and nothing came");
  } finally {
    await server.close();
    await Deno.remove(server.dataDir, { recursive: true });
  }
});
