import assert from "node:assert/strict";
import { IntegrityLedger, sameVector, verifyIntegrity } from "../src/run/integrity.ts";
import type { ScenarioTarget } from "../src/targets/scenario_target.ts";
import { type Document, TargetError } from "../src/targets/target.ts";

/** A target whose documents live in a Map; `down` makes every read a connection failure. */
function memoryTarget(docs: Map<string, Float32Array>, down = false): ScenarioTarget {
  return {
    get(_collection: string, docId: string): Promise<Document | null> {
      if (down) return Promise.reject(new TargetError("connection", "refused"));
      const v = docs.get(docId);
      return Promise.resolve(v ? { id: docId, vector: v } : null);
    },
  } as unknown as ScenarioTarget;
}

const v = (...x: number[]) => Float32Array.from(x);

Deno.test("ledger: acknowledged writes are expected, failed ones unverifiable; run writes first", () => {
  const ledger = new IntegrityLedger();
  for (let i = 0; i < 5; i++) ledger.present(0, `base-${i}`, v(i, 1), false);
  ledger.present(0, "ins", v(1, 2));
  ledger.absent(0, "base-1");
  ledger.uncertain("base-2");
  ledger.present(0, "base-2", v(9, 9)); // a later ack cannot make an uncertain doc verifiable
  assert.equal(ledger.size, 5);
  const sample = ledger.sample(3).map((e) => e.docId);
  assert.deepEqual(sample, ["base-1", "ins", "base-0"]);
});

Deno.test("ledger: keeps only the first keepBulk bulk-loaded documents, and every run write", () => {
  const ledger = new IntegrityLedger(3);
  for (let i = 0; i < 1000; i++) ledger.present(0, `base-${i}`, v(i, 1), false);
  assert.equal(ledger.size, 3);
  ledger.present(0, "base-1", v(7, 7)); // an update of a kept one
  ledger.present(0, "base-500", v(8, 8)); // an update of one not kept
  ledger.absent(0, "base-900"); // a delete of one not kept
  const sample = ledger.sample(10).map((e) => [e.docId, e.duringRun]);
  assert.deepEqual(sample, [
    ["base-1", true],
    ["base-500", true],
    ["base-900", true],
    ["base-0", false],
    ["base-2", false],
  ]);
});

Deno.test("verifyIntegrity counts missing, corrupted and resurrected documents", async () => {
  const ledger = new IntegrityLedger();
  ledger.present(0, "ok", v(1, 2, 3));
  ledger.present(0, "lost", v(1, 2, 3));
  ledger.present(0, "changed", v(1, 2, 3));
  ledger.absent(0, "deleted");
  ledger.absent(0, "back");
  const stored = new Map([
    ["ok", v(1, 2, 3)],
    ["changed", v(1, 2, 4)],
    ["back", v(0, 0, 1)],
  ]);
  const view = {
    target: memoryTarget(stored),
    collectionIds: ["c"],
    apiKeys: [],
    metric: "l2" as const,
  };
  assert.deepEqual(await verifyIntegrity(ledger.sample(100), view), {
    checked: 5,
    missing: 1,
    corrupted: 1,
    resurrected: 1,
    corruption: 3,
  });
});

Deno.test("verifyIntegrity stops at a dead target instead of reporting everything lost", async () => {
  const ledger = new IntegrityLedger();
  for (let i = 0; i < 50; i++) ledger.present(0, `d${i}`, v(i));
  const view = {
    target: memoryTarget(new Map(), true),
    collectionIds: ["c"],
    apiKeys: [],
    metric: "l2" as const,
  };
  const r = await verifyIntegrity(ledger.sample(100), view);
  assert.equal(r.missing, 0);
  assert.ok(r.checked < 50);
});

Deno.test("sameVector: exact float32 round trip, or the normalised vector for cosine", () => {
  assert.ok(sameVector(v(0.1, 0.2), v(0.1, 0.2), "l2"));
  assert.ok(!sameVector(v(0.1, 0.2), v(0.1, 0.21), "l2"));
  assert.ok(sameVector(v(3, 4), v(0.6, 0.8), "cosine"));
  assert.ok(!sameVector(v(3, 4), v(0.6, 0.8), "l2"));
  assert.ok(!sameVector(v(3, 4), v(0.8, 0.6), "cosine"));
  assert.ok(!sameVector(v(3, 4), v(3, 4, 0), "cosine"));
});
