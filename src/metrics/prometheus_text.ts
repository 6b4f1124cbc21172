/** One sample of the Prometheus text exposition format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromScrape {
  samples: PromSample[];
  /** Metric family → type from `# TYPE` lines (counter, gauge, histogram, summary, untyped). */
  types: Record<string, string>;
}

/**
 * Parses the Prometheus text format (0.0.4): `# TYPE` lines, samples with optional labels
 * (escapes \\, \", \n) and an optional timestamp; NaN/+Inf/-Inf values. Malformed lines are
 * skipped, not fatal: a scrape is telemetry, never a reason to fail a run.
 */
export function parsePrometheusText(text: string): PromScrape {
  const samples: PromSample[] = [];
  const types: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const m = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (m) types[m[1]] = m[2];
      continue;
    }
    const sample = parseSample(line);
    if (sample) samples.push(sample);
  }
  return { samples, types };
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseSample(line: string): PromSample | null {
  const name = NAME.exec(line)?.[0];
  if (!name) return null;
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === "{") {
    i++;
    for (;;) {
      while (line[i] === " " || line[i] === ",") i++;
      if (line[i] === "}") {
        i++;
        break;
      }
      const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i))?.[0];
      if (!key) return null;
      i += key.length;
      while (line[i] === " ") i++;
      if (line[i] !== "=") return null;
      i++;
      while (line[i] === " ") i++;
      if (line[i] !== '"') return null;
      i++;
      let value = "";
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\") {
          const next = line[i + 1];
          value += next === "n" ? "\n" : next;
          i += 2;
        } else value += line[i++];
      }
      if (line[i] !== '"') return null;
      i++;
      labels[key] = value;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const value = parseValue(rest[0]);
  if (value === null) return null;
  return { name, labels, value };
}

function parseValue(s: string | undefined): number | null {
  if (s === undefined || s === "") return null;
  if (s === "+Inf" || s === "Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  if (s === "NaN") return NaN;
  const v = Number(s);
  return Number.isNaN(v) ? null : v;
}

/** A stable series name: `name` or `name{a="x",b="y"}` with labels sorted. */
export function seriesKey(sample: PromSample): string {
  const keys = Object.keys(sample.labels).sort();
  if (keys.length === 0) return sample.name;
  const body = keys.map((k) => `${k}=${JSON.stringify(sample.labels[k])}`).join(",");
  return `${sample.name}{${body}}`;
}
