import type { PromHistogram } from "./prometheus_histogram.ts";

/**
 * Lines of the Prometheus text exposition format (0.0.4), for the live /metrics page. A family
 * is written once with its HELP and TYPE, then all its samples. Labels come preformatted
 * (labelText), so that a scrape of thousands of samples only concatenates strings.
 */
export class Exposition {
  readonly #lines: string[] = [];

  family(name: string, type: "counter" | "gauge" | "histogram", help: string): void {
    this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }

  /** `labels`: the text between the braces, from labelText ("" for none). */
  sample(name: string, labels: string, value: number): void {
    this.#lines.push(
      `${name}${labels === "" ? "" : `{${labels}}`} ${formatValue(value)}`,
    );
  }

  /** A histogram's cumulative `_bucket` series (le in seconds), `_sum` and `_count`. */
  histogram(name: string, labels: string, h: PromHistogram): void {
    const prefix = `${name}_bucket{${labels === "" ? "" : `${labels},`}le="`;
    let cumulative = 0;
    for (let i = 0; i < h.boundsS.length; i++) {
      cumulative += h.counts[i];
      this.#lines.push(`${prefix}${h.boundsS[i]}"} ${cumulative}`);
    }
    this.#lines.push(`${prefix}+Inf"} ${h.count}`);
    this.sample(`${name}_sum`, labels, h.sumS);
    this.sample(`${name}_count`, labels, h.count);
  }

  text(): string {
    return this.#lines.length === 0 ? "" : this.#lines.join("\n") + "\n";
  }
}

/** `k="v",…` (no braces) with \, " and newlines escaped; empty values are left out. */
export function labelText(labels: Record<string, string>): string {
  let out = "";
  for (const k in labels) {
    const v = labels[k];
    if (v === "") continue;
    const escaped = v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
    out += `${out === "" ? "" : ","}${k}="${escaped}"`;
  }
  return out;
}

/** Two preformatted label texts as one. */
export function joinLabels(a: string, b: string): string {
  return a === "" ? b : b === "" ? a : `${a},${b}`;
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  return String(v);
}
