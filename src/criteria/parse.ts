import { type Comparator, type Criterion, CriterionError, type MetricKind } from "./criterion.ts";

const LATENCY_STATS = new Set(["p50", "p90", "p95", "p99", "p999", "max", "mean", "min"]);
const GAUGE_STATS = new Set(["max", "min", "last", "increase"]);
const OPERATIONS = new Set(["all", "search", "insert", "update", "delete", "metadata"]);
const SELECTOR_KEYS = new Set(["tenant", "phase", "tier"]);

/** Metrics that are one number of the run, with their kind and base unit. */
const SCALARS: Record<string, { kind: MetricKind; unit: string }> = {
  dropped: { kind: "dropped", unit: "count" },
  dropped_rate: { kind: "dropped", unit: "ratio" },
  qps_avg: { kind: "throughput", unit: "qps" },
  qps_peak: { kind: "throughput", unit: "qps" },
  memory_growth: { kind: "memory_rate", unit: "MB/min" },
  memory_growth_total: { kind: "memory", unit: "MB" },
  memory_growth_beyond_writes: { kind: "memory_rate", unit: "MB/min" },
  memory_growth_total_beyond_writes: { kind: "memory", unit: "MB" },
  memory_peak: { kind: "memory", unit: "MB" },
  memory_end: { kind: "memory", unit: "MB" },
  memory_at_rest: { kind: "memory", unit: "MB" },
  cpu_avg: { kind: "cpu", unit: "%" },
  cpu_peak: { kind: "cpu", unit: "%" },
  corruption: { kind: "integrity", unit: "count" },
  data_loss: { kind: "integrity", unit: "count" },
  missing: { kind: "integrity", unit: "count" },
  corrupted: { kind: "integrity", unit: "count" },
  resurrected: { kind: "integrity", unit: "count" },
  crashes: { kind: "check", unit: "count" },
  cross_tenant_leaks: { kind: "check", unit: "count" },
  denied_writes_accepted: { kind: "check", unit: "count" },
  audit_coverage: { kind: "check", unit: "ratio" },
  recovery_time: { kind: "check", unit: "ms" },
};

/** Multipliers from a written unit to each base unit; "" is a bare number. */
const UNITS: Record<string, Record<string, number>> = {
  ms: { "": 1, ms: 1, s: 1000, us: 0.001 },
  ratio: { "": 1, "%": 0.01 },
  "%": { "": 1, "%": 1 },
  "MB/min": { "": 1, "MB/min": 1, "KB/min": 1 / 1024, "GB/min": 1024 },
  MB: { "": 1, MB: 1, KB: 1 / 1024, GB: 1024 },
  count: { "": 1 },
  qps: { "": 1, qps: 1 },
  "": { "": 1 },
};

const EXPRESSION =
  /^\s*([a-z_][a-z0-9_]*(?:@\d+)?)\s*(?:\(\s*([^)]*?)\s*\))?\s*(?:\{([^}]*)\})?\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*([A-Za-z%/]*)\s*$/;

/**
 * Parses a success criterion such as `p95(search){tenant=t6} < 25ms`, `error_rate < 0.1%`,
 * `memory_growth < 10MB/min`, `recall@10 > 0.95` or `max(target:akidb_dlq_size) > 0`.
 * Throws CriterionError for bad syntax, unknown metrics, selectors or units.
 */
export function parseCriterion(expression: string): Criterion {
  const m = EXPRESSION.exec(expression);
  if (!m) {
    throw new CriterionError(
      `cannot parse "${expression}": expected <metric> <comparator> <number>[unit]`,
    );
  }
  const [, name, arg, selectorText, comparator, number, writtenUnit] = m;
  const base = resolveMetric(expression, name, arg, selectorText);
  const factors = UNITS[base.unit];
  const factor = factors[writtenUnit];
  if (factor === undefined) {
    const allowed = Object.keys(factors).filter((u) => u !== "").join(", ") || "none";
    throw new CriterionError(
      `"${expression}": unit "${writtenUnit}" does not fit ${base.metric} (units: ${allowed})`,
    );
  }
  return {
    ...base,
    expression,
    comparator: comparator as Comparator,
    threshold: Number((Number(number) * factor).toPrecision(12)),
  };
}

function resolveMetric(
  expression: string,
  name: string,
  arg: string | undefined,
  selectorText: string | undefined,
): Omit<Criterion, "expression" | "comparator" | "threshold"> {
  const fail = (why: string) => new CriterionError(`"${expression}": ${why}`);
  const selector = parseSelector(selectorText, fail);
  const recall = /^recall@(\d+)$/.exec(name);
  if (recall) {
    if (arg !== undefined || selectorText !== undefined) throw fail("recall@k takes no arguments");
    return { metric: name, kind: "recall", stat: "recall", k: Number(recall[1]), unit: "ratio" };
  }
  if (arg?.startsWith("target:")) {
    if (!GAUGE_STATS.has(name)) {
      throw fail(`target gauges take max, min, last or increase, not ${name}`);
    }
    const gauge = gaugeKey(arg.slice("target:".length));
    if (gauge === null) throw fail(`bad metric name "${arg.slice("target:".length)}"`);
    if (selectorText !== undefined) throw fail("target gauges take no selector");
    return {
      metric: `${name}(target:${gauge})`,
      kind: "target_gauge",
      stat: name,
      gauge,
      unit: "",
    };
  }
  if (LATENCY_STATS.has(name) || name === "error_rate") {
    const operation = arg === undefined || arg === "" ? "all" : arg;
    if (!OPERATIONS.has(operation)) {
      throw fail(
        `unknown operation "${operation}" (all, search, insert, update, delete, metadata)`,
      );
    }
    if (selector.tenant !== undefined && selector.phase !== undefined) {
      throw fail("select a tenant or a phase, not both");
    }
    if (selector.tier !== undefined && (selector.tenant ?? selector.phase) !== undefined) {
      throw fail("a tier selector cannot be combined with tenant or phase");
    }
    const sel = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(",");
    const metric = `${name}(${operation})${sel ? `{${sel}}` : ""}`;
    const kind: MetricKind = name === "error_rate" ? "error_rate" : "latency";
    const unit = kind === "latency" ? "ms" : "ratio";
    return { metric, kind, stat: name, traffic: { operation, ...selector }, unit };
  }
  const scalar = SCALARS[name];
  if (!scalar) throw fail(`unknown metric "${name}"`);
  if (arg !== undefined || selectorText !== undefined) throw fail(`${name} takes no arguments`);
  return { metric: name, kind: scalar.kind, stat: name, unit: scalar.unit };
}

function parseSelector(
  text: string | undefined,
  fail: (why: string) => Error,
): { tenant?: string; phase?: string; tier?: string } {
  const out: Record<string, string> = {};
  if (text === undefined) return out;
  for (const part of text.split(",")) {
    const kv = /^\s*([a-z]+)\s*=\s*([A-Za-z0-9_.:-]+)\s*$/.exec(part);
    if (!kv || !SELECTOR_KEYS.has(kv[1])) {
      throw fail(`bad selector "${part.trim()}" (tenant=…, phase=…, tier=…)`);
    }
    out[kv[1]] = kv[2];
  }
  return out;
}

/**
 * A Prometheus series as the sampler keys it: `name`, or `name{a="x",b="y"}` with labels sorted
 * and values quoted (the criterion may write `{tier=cold}`). Null when malformed.
 */
function gaugeKey(text: string): string | null {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?$/.exec(text);
  if (!m) return null;
  if (m[2] === undefined) return m[1];
  const labels: [string, string][] = [];
  for (const part of m[2].split(",")) {
    const kv = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*(?:"([^"]*)"|([^",\s]+))\s*$/.exec(part);
    if (!kv) return null;
    labels.push([kv[1], kv[2] ?? kv[3]]);
  }
  labels.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return `${m[1]}{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}}`;
}
