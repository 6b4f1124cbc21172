import type { Metric } from "../dataset/metric.ts";
import type { RunResult } from "../result/run_result.ts";
import type { ScenarioTarget } from "../targets/scenario_target.ts";
import { type Document, TargetError } from "../targets/target.ts";

/** What the target acknowledged about one document, and hence what a read must find. */
type Expectation =
  | { present: true; vector: Float32Array }
  | { present: false };

interface Entry {
  collection: number;
  docId: string;
  expect: Expectation;
  /** Written during the load (checked first), not by the bulk load. */
  duringRun: boolean;
}

/**
 * Every acknowledged write's expected outcome, keyed by document. An insert (or an update's
 * re-insert) acknowledged by the target must read back with the same vector; an acknowledged
 * delete must read back as absent. A write that failed or timed out may or may not have been
 * applied, so its document becomes unverifiable and is left out of the check.
 */
export class IntegrityLedger {
  readonly #entries = new Map<string, Entry>();
  readonly #uncertain = new Set<string>();
  #bulkKept = 0;

  /**
   * `keepBulk`: how many bulk-loaded documents to keep (the first ones); the read-back samples
   * the run's writes first, then bulk-loaded documents, so a ledger of every bulk-loaded document
   * only costs memory: at 1M it held a 274 MB heap whose full garbage collections took ~290 ms,
   * in the generator, during the load (a write to a document not kept is recorded all the same).
   */
  constructor(readonly keepBulk = Infinity) {}

  /** An acknowledged insert; `duringRun` false for the bulk load. */
  present(collection: number, docId: string, vector: Float32Array, duringRun = true): void {
    if (this.#uncertain.has(docId)) return;
    if (!duringRun) {
      if (this.#bulkKept >= this.keepBulk) return;
      this.#bulkKept++;
    }
    this.#entries.set(docId, { collection, docId, expect: { present: true, vector }, duringRun });
  }

  /** An acknowledged delete. */
  absent(collection: number, docId: string): void {
    if (this.#uncertain.has(docId)) return;
    this.#entries.set(docId, { collection, docId, expect: { present: false }, duringRun: true });
  }

  uncertain(docId: string): void {
    this.#uncertain.add(docId);
    this.#entries.delete(docId);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Up to `limit` entries: every write of the run first, then bulk-loaded documents. */
  sample(limit: number): Entry[] {
    const all = [...this.#entries.values()];
    const writes = all.filter((e) => e.duringRun);
    const base = all.filter((e) => !e.duringRun);
    return [...writes, ...base].slice(0, limit);
  }
}

export interface IntegrityTargetView {
  target: ScenarioTarget;
  collectionIds: string[];
  apiKeys: (string | undefined)[];
  metric: Metric;
}

/**
 * Reads every sampled document back (`concurrency` at a time) and compares it with what was
 * acknowledged: `missing` (acknowledged, not found), `corrupted` (found with another vector),
 * `resurrected` (deleted, found again). `corruption` counts all three.
 */
export async function verifyIntegrity(
  entries: Entry[],
  view: IntegrityTargetView,
  concurrency = 16,
): Promise<NonNullable<RunResult["integrity"]>> {
  let missing = 0, corrupted = 0, resurrected = 0, checked = 0, next = 0;
  let unreachable = false;
  const worker = async () => {
    while (next < entries.length && !unreachable) {
      const e = entries[next++];
      let doc: Document | null;
      try {
        doc = await view.target.get(view.collectionIds[e.collection], e.docId, {
          apiKey: view.apiKeys[e.collection],
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        // A dead target cannot be verified: stop rather than count every document as lost.
        if (err instanceof TargetError && err.errorClass === "connection") {
          unreachable = true;
          return;
        }
        doc = null;
      }
      checked++;
      if (e.expect.present) {
        if (!doc) missing++;
        else if (!sameVector(e.expect.vector, doc.vector, view.metric)) corrupted++;
      } else if (doc) {
        resurrected++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  return {
    checked,
    missing,
    corrupted,
    resurrected,
    corruption: missing + corrupted + resurrected,
  };
}

/** Equal up to float32 rounding; for cosine, a server may store the normalised vector. */
export function sameVector(a: Float32Array, b: Float32Array, metric: Metric): boolean {
  if (a.length !== b.length) return false;
  let maxDiff = 0, dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (maxDiff <= 1e-6 * Math.max(1, Math.sqrt(na))) return true;
  return metric === "cosine" && na > 0 && nb > 0 && dot / Math.sqrt(na * nb) > 1 - 1e-6;
}
