import type { PromHistogram } from "./prometheus_histogram.ts";

/**
 * Lines of the Prometheus text exposition format (0.0.4), for the live /metrics page. A family
 * is written once with its HELP and TYPE, then all its samples.
 */
export class Exposition {
  readonly #lines: string[] = [];

  family(name: string, type: "counter" | "gauge" | "histogram", help: string): void {
    this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }

  sample(name: string, labels: Record<string, string>, value: number): void {
    this.#lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  }

  /** A histogram's cumulative `_bucket` series (le in seconds), `_sum` and `_count`. */
  histogram(name: string, labels: Record<string, string>, h: PromHistogram): void {
    let cumulative = 0;
    h.boundsS.forEach((bound, i) => {
      cumulative += h.counts[i];
      this.sample(`${name}_bucket`, { ...labels, le: String(bound) }, cumulative);
    });
    this.sample(`${name}_bucket`, { ...labels, le: "+Inf" }, h.count);
    this.sample(`${name}_sum`, labels, h.sumS);
    this.sample(`${name}_count`, labels, h.count);
  }

  text(): string {
    return this.#lines.length === 0 ? "" : this.#lines.join("\n") + "\n";
  }
}

/** `{k="v",…}` with \, " and newlines escaped; empty label values are left out. */
export function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).filter(([, v]) => v !== "").map(([k, v]) =>
    `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
  );
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  return String(v);
}
