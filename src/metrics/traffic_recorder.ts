import type { TrafficStats } from "../result/run_result.ts";
import type { TrafficLabel } from "./traffic_label.ts";
import { TrafficCells } from "./traffic_cells.ts";
import {
  addEncoded,
  encodeHistogram,
  type Histogram,
  newHistogram,
  recordMs,
  summarize,
} from "./histogram.ts";

/** A cell as plain data (histograms encoded), e.g. to merge results of several workers. */
export interface CellSnapshot {
  operation: string;
  tenant: string;
  phase: string;
  successful: number;
  failed: number;
  dropped: number;
  errors: Record<string, number>;
  latency_us: string;
  service_time_us: string;
}

/** Counters and histograms of one operation × tenant × phase. */
interface Cell extends Omit<CellSnapshot, "latency_us" | "service_time_us"> {
  latency: Histogram;
  service: Histogram;
}

/** The recorder's view of a whole run, in RunResult terms. */
export interface TrafficSummary {
  all: TrafficStats;
  operations: TrafficStats[];
  tenants: TrafficStats[];
  phases: TrafficStats[];
}

/**
 * Records every finished request into HDR histograms per operation × tenant × phase; aggregates
 * (per operation, per tenant × operation, per phase × operation) are lossless merges made at the
 * end. Memory depends on the number of cells, never on the number of requests.
 */
export class TrafficRecorder {
  /** Every cell, in creation order, found per request without building a key. */
  readonly #cells = new TrafficCells<Cell>((label, phase) => ({
    operation: label.operation,
    tenant: label.tenant,
    phase,
    successful: 0,
    failed: 0,
    dropped: 0,
    errors: {},
    latency: newHistogram(),
    service: newHistogram(),
  }));

  /**
   * A finished request: `errorClass` null on success. `serviceMs` is null when the request was
   * never sent (it expired in the client queue).
   */
  complete(
    label: TrafficLabel,
    phase: string,
    errorClass: string | null,
    latencyMs: number,
    serviceMs: number | null,
  ): void {
    const cell = this.#cells.get(label, phase);
    if (errorClass === null) cell.successful++;
    else {
      cell.failed++;
      cell.errors[errorClass] = (cell.errors[errorClass] ?? 0) + 1;
    }
    recordMs(cell.latency, latencyMs);
    if (serviceMs !== null) recordMs(cell.service, serviceMs);
  }

  /** An arrival that the overflow policy dropped: counted, never sent. */
  drop(label: TrafficLabel, phase: string): void {
    this.#cells.get(label, phase).dropped++;
  }

  snapshot(): CellSnapshot[] {
    return this.#cells.all.map((c) => ({
      operation: c.operation,
      tenant: c.tenant,
      phase: c.phase,
      successful: c.successful,
      failed: c.failed,
      dropped: c.dropped,
      errors: { ...c.errors },
      latency_us: encodeHistogram(c.latency),
      service_time_us: encodeHistogram(c.service),
    }));
  }

  /** Adds another recorder's snapshot (e.g. from a worker) into this one, losslessly. */
  absorb(cells: CellSnapshot[]): void {
    for (const s of cells) {
      const cell = this.#cells.get({ operation: s.operation, tenant: s.tenant }, s.phase);
      cell.successful += s.successful;
      cell.failed += s.failed;
      cell.dropped += s.dropped;
      for (const [k, v] of Object.entries(s.errors)) cell.errors[k] = (cell.errors[k] ?? 0) + v;
      addEncoded(cell.latency, s.latency_us);
      addEncoded(cell.service, s.service_time_us);
    }
  }

  summary(): TrafficSummary {
    const cells = this.#cells.all;
    const operations = [...new Set(cells.map((c) => c.operation))].sort();
    const tenants = [...new Set(cells.map((c) => c.tenant))].filter((t) => t !== "").sort();
    const phases = [...new Set(cells.map((c) => c.phase))].filter((p) => p !== "");
    const byOperation = (subset: Cell[], extra: { tenant?: string; phase?: string }) => [
      merge(subset, { operation: "all", ...extra }),
      ...operations
        .filter((op) => subset.some((c) => c.operation === op))
        .map((op) => merge(subset.filter((c) => c.operation === op), { operation: op, ...extra })),
    ];
    const perOperation = byOperation(cells, {});
    return {
      all: perOperation[0],
      operations: perOperation,
      tenants: tenants.flatMap((tenant) =>
        byOperation(cells.filter((c) => c.tenant === tenant), { tenant })
      ),
      phases: phases.flatMap((phase) =>
        byOperation(cells.filter((c) => c.phase === phase), { phase })
      ),
    };
  }

  /** Frees the WebAssembly memory of all histograms. */
  destroy(): void {
    for (const c of this.#cells.all) {
      c.latency.destroy();
      c.service.destroy();
    }
    this.#cells.clear();
  }
}

function merge(
  cells: Cell[],
  id: { operation: string; tenant?: string; phase?: string },
): TrafficStats {
  const latency = newHistogram();
  const service = newHistogram();
  let successful = 0;
  let failed = 0;
  let dropped = 0;
  const errors: Record<string, number> = {};
  for (const c of cells) {
    successful += c.successful;
    failed += c.failed;
    dropped += c.dropped;
    for (const [k, v] of Object.entries(c.errors)) errors[k] = (errors[k] ?? 0) + v;
    latency.add(c.latency);
    service.add(c.service);
  }
  const counts = { requests: successful + failed + dropped, successful, failed, dropped };
  return trafficStats(id, counts, errors, latency, service);
}

/**
 * A TrafficStats row from summed counts and merged latency/service-time histograms (µs), which
 * it summarises, encodes and then frees.
 */
export function trafficStats(
  id: { operation: string; tenant?: string; phase?: string },
  counts: { requests: number; successful: number; failed: number; dropped: number },
  errors: Record<string, number>,
  latency: Histogram,
  service: Histogram,
): TrafficStats {
  const stats: TrafficStats = {
    ...id,
    ...counts,
    errors_by_class: errors,
    latency_ms: summarize(latency),
    service_time_ms: summarize(service),
    histograms: { latency_us: encodeHistogram(latency), service_time_us: encodeHistogram(service) },
  };
  latency.destroy();
  service.destroy();
  return stats;
}
