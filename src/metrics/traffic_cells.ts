import type { TrafficLabel } from "./traffic_label.ts";

/**
 * Figures kept per operation × tenant × phase: a cell is found with three map lookups (no key
 * string built per request) and made on first use; `all` lists the cells in creation order.
 */
export class TrafficCells<C> {
  readonly all: C[] = [];
  readonly #index = new Map<string, Map<string, Map<string, C>>>();

  constructor(private readonly make: (label: TrafficLabel, phase: string) => C) {}

  get(label: TrafficLabel, phase: string): C {
    let byTenant = this.#index.get(label.operation);
    if (!byTenant) this.#index.set(label.operation, byTenant = new Map());
    let byPhase = byTenant.get(label.tenant);
    if (!byPhase) byTenant.set(label.tenant, byPhase = new Map());
    let cell = byPhase.get(phase);
    if (!cell) {
      cell = this.make(label, phase);
      byPhase.set(phase, cell);
      this.all.push(cell);
    }
    return cell;
  }

  clear(): void {
    this.all.length = 0;
    this.#index.clear();
  }
}
