import assert from "node:assert/strict";
import { MAX_RESOURCE_CHARS } from "../src/server/tenancy/audit_log.ts";
import { withTenancyServer } from "./tenancy_server.ts";

const DIM = 16;
const COLLECTION = { name: "c", dimension: DIM, metric: "l2" };

interface Entry {
  tenant_id: string | null;
  principal: string;
  action: string;
  resource: string;
  result: string;
  status: number;
}

/** Item 5 of the tenancy issue: refusals are audited as denied; the log is bounded. */
Deno.test("tenancy audit: every refusal is recorded as denied with its status, 404 included", async () => {
  await withTenancyServer([], async (s) => {
    const a = await s.tenant("a", ["developer", "auditor"]);
    const b = await s.tenant("b", ["developer", "viewer"]);
    const aColl = (await s.as(a.keys.developer, "POST", "/api/v1/collections", COLLECTION)).body
      .collection_id;
    const bColl = (await s.as(b.keys.developer, "POST", "/api/v1/collections", COLLECTION)).body
      .collection_id;
    assert.equal((await s.as(b.keys.developer, "GET", `/api/v1/collections/${aColl}`)).status, 404);
    const doc = { doc_id: crypto.randomUUID(), vector: Array(DIM).fill(0) };
    const insert = `/api/v1/collections/${bColl}/insert`;
    assert.equal((await s.as(b.keys.viewer, "POST", insert, doc)).status, 403);
    assert.equal((await s.as(null, "GET", "/metrics")).status, 401);
    assert.equal((await s.as(b.keys.developer, "POST", insert, doc)).status, 200);

    const entries: Entry[] = (await s.as(s.operatorKey, "GET", "/api/v1/audit?limit=1000")).body
      .entries;
    const find = (principal: string, status: number) =>
      entries.find((e) => e.principal === principal && e.status === status);
    assert.deepEqual(
      { ...find("b-developer", 404), time: undefined, id: undefined, role: undefined },
      {
        tenant_id: b.id,
        principal: "b-developer",
        action: "collection.read",
        resource: `collection/${aColl}`,
        result: "denied",
        status: 404,
        time: undefined,
        id: undefined,
        role: undefined,
      },
    );
    assert.equal(find("b-viewer", 403)?.result, "denied");
    assert.equal(find("anonymous", 401)?.resource, "metrics");
    assert.equal(find("b-developer", 200)?.result, "allowed");
    // Tenant A's auditor sees none of it: the attempts were B's.
    const aView = (await s.as(a.keys.auditor, "GET", "/api/v1/audit?limit=1000")).body.entries;
    assert.ok(aView.every((e: Entry) => e.tenant_id === a.id));
  });
});

Deno.test("tenancy audit: anonymous noise and a noisy tenant are capped in their own buckets and evict nobody else's entries", async () => {
  const flags = ["--audit-max-entries", "100", "--audit-max-anonymous", "50"];
  await withTenancyServer(flags, async (s) => {
    const a = await s.tenant("a", ["developer", "auditor"]);
    const b = await s.tenant("b", ["developer"]);
    for (let i = 0; i < 20; i++) {
      assert.equal((await s.as(a.keys.developer, "GET", "/api/v1/collections")).status, 200);
    }
    const file = () => dbBytes(s.dataDir);
    const start = await file();
    // 3,000 anonymous requests with 8 KB paths: 24 MB of paths a log that keeps them would hold.
    await inParallel(
      3000,
      16,
      (i) => s.as(null, "GET", `/api/v1/collections/${"x".repeat(8000)}${i}`),
    );
    // 150 refused requests from tenant B: its own bucket keeps the last 100.
    await inParallel(150, 8, () => s.as(b.keys.developer, "GET", "/metrics"));

    const all = (await s.as(s.operatorKey, "GET", "/api/v1/audit?limit=100000")).body;
    const anonymous = all.entries.filter((e: Entry) => e.tenant_id === null);
    assert.equal(anonymous.length, 50);
    assert.ok(anonymous.every((e: Entry) => e.resource.length < MAX_RESOURCE_CHARS + 20));
    assert.match(anonymous[0].resource, /…\(\d{4,} chars\)$/);
    assert.equal(all.entries.filter((e: Entry) => e.tenant_id === b.id).length, 100);
    assert.equal(all.dropped, (3000 - 50) + (150 - 100));
    const metrics = await s.as(s.operatorKey, "GET", "/metrics");
    assert.match(metrics.body, /^akidb_audit_dropped_total 3000$/m);
    const aEntries = all.entries.filter((e: Entry) => e.tenant_id === a.id);
    assert.equal(aEntries.length, 20, "no entry of tenant A was pushed out");
    const aView = (await s.as(a.keys.auditor, "GET", "/api/v1/audit?limit=1000")).body;
    assert.equal(aView.dropped, 0);
    assert.equal(aView.count, 20);
    const grown = (await file()) - start;
    assert.ok(
      grown < 8 * 2 ** 20,
      `the audit database grew by ${(grown / 2 ** 20).toFixed(1)} MiB`,
    );
  });
});

/** Runs `n` calls of `fn`, `width` at a time. */
async function inParallel(n: number, width: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await fn(next++);
  }));
}

/** Bytes of the tenancy database and its WAL. */
async function dbBytes(dataDir: string): Promise<number> {
  let total = 0;
  for (const name of ["tenancy.sqlite", "tenancy.sqlite-wal"]) {
    total += (await Deno.stat(`${dataDir}/${name}`).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
