import { z } from "zod";
import { parseDurationSeconds } from "./duration.ts";

/** A duration ("30s", "5m", "1h", "500ms" or seconds) as seconds; must be > 0. */
const duration = z.unknown().transform((value, ctx) => {
  const s = parseDurationSeconds(value);
  if (s === null || s <= 0) {
    ctx.addIssue({ code: "custom", message: "expected a duration like 30s, 5m or 1h" });
    return z.NEVER;
  }
  return s;
});

/** A share written as a fraction (0.1) or a percentage ("10%"), as a fraction in [0, 1]. */
const fraction = z.unknown().transform((value, ctx) => {
  const m = typeof value === "string" ? /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value) : null;
  const f = m ? Number(m[1]) / 100 : typeof value === "number" ? value : NaN;
  if (!(f >= 0 && f <= 1)) {
    ctx.addIssue({ code: "custom", message: "expected a fraction in [0, 1] or a percentage" });
    return z.NEVER;
  }
  return f;
});

const positive = z.number({ error: "expected a positive number" }).positive({
  error: "expected a positive number",
});
const nonNegative = z.number({ error: "expected a number ≥ 0" }).min(0, {
  error: "expected a number ≥ 0",
});
const count = z.number({ error: "expected a positive integer" }).int({
  error: "expected a positive integer",
}).positive({ error: "expected a positive integer" });
const name = z.string({ error: "expected a string" }).min(1, { error: "expected a string" });

const profile = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("constant"), qps: positive }),
  z.strictObject({ type: z.literal("ramp"), from_qps: nonNegative, to_qps: nonNegative }),
  z.strictObject({
    type: z.literal("stages"),
    start_qps: nonNegative,
    stages: z.array(
      z.strictObject({ name, duration, target_qps: nonNegative }),
    ).min(1, { error: "expected at least one stage" }),
  }),
  z.strictObject({
    type: z.literal("spike"),
    baseline_qps: positive,
    spike_qps: positive,
    baseline: duration,
    ramp_up: duration,
    hold: duration,
    ramp_down: duration,
    recovery: duration,
  }),
  z.strictObject({
    type: z.literal("random"),
    min_qps: positive,
    max_qps: positive,
    interval: duration,
    spike_probability: fraction,
    spike_qps: positive,
    spike_duration: duration,
  }),
], { error: "expected a load profile with type constant, ramp, stages, spike or random" });

export type RawProfile = z.output<typeof profile>;

const percent = z.number({ error: "expected a percentage 0..100" }).min(0, {
  error: "expected a percentage 0..100",
}).max(100, { error: "expected a percentage 0..100" });

const mix = z.strictObject({
  search: percent.default(0),
  insert: percent.default(0),
  update: percent.default(0),
  delete: percent.default(0),
  metadata: percent.default(0),
}).refine((m) => Math.abs(m.search + m.insert + m.update + m.delete + m.metadata - 100) < 1e-9, {
  error: "expected percentages summing to 100",
});

const access = z.union([
  z.literal("uniform"),
  z.strictObject({ zipf: positive, window: count.optional(), slide_every: duration.optional() })
    .refine((a) => (a.window === undefined) === (a.slide_every === undefined), {
      error: "expected window and slide_every together",
    }),
], { error: 'expected "uniform" or {zipf: s[, window: N, slide_every: duration]}' });

/**
 * Generator parameters (size, dim and metric required), or `file`: an ann-benchmarks HDF5 file
 * (path relative to the scenario file) whose metric, dimension, queries and ground truth are
 * used; `hash` pins its content hash. The defaults of the optional fields are applied when the
 * scenario is resolved (they must not hide a conflict with a file).
 */
const dataset = z.strictObject({
  file: z.string({ error: "expected a path to an HDF5 dataset file" }).min(1, {
    error: "expected a path to an HDF5 dataset file",
  }).optional(),
  hash: z.string({ error: "expected a 64-hex-digit content hash, in quotes" }).regex(
    /^[0-9a-f]{64}$/,
    {
      error: "expected a 64-hex-digit content hash (see 'akibench dataset info')",
    },
  ).optional(),
  size: count.optional(),
  dim: count.optional(),
  metric: z.enum(["cosine", "l2", "dot"], { error: "expected cosine, l2 or dot" }).optional(),
  distribution: z.enum(["clustered", "uniform"], { error: "expected clustered or uniform" })
    .optional(),
  clusters: count.optional(),
  queries: count.optional(),
  k: count.optional(),
  collections: count.default(1),
  access: access.default("uniform"),
});

const role = z.enum(["admin", "developer", "viewer", "auditor"], {
  error: "expected admin, developer, viewer or auditor",
});

const tenant = z.strictObject({
  name,
  qps: positive.optional(),
  load: profile.optional(),
  concurrency: count,
  role: role.default("developer"),
}).refine((t) => (t.qps === undefined) !== (t.load === undefined), {
  error: "expected exactly one of qps or load",
});

const fault = z.strictObject({
  at: z.union([z.literal(0), duration]),
  duration,
  s3_latency: duration.optional(),
  s3_error_rate: fraction.optional(),
  s3_throttle: fraction.optional(),
});

const capability = z.enum(["tiering", "tenancy", "audit", "faults"], {
  error: "expected tiering, tenancy, audit or faults",
});

/** Seconds a run waits by default for the target's index backlog after the bulk load. */
export const DEFAULT_INDEX_WAIT_S = 120;

/** The scenario YAML document, minus its `smoke` block (validated after merging). */
export const scenarioDocument = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]+$/, { error: "expected lowercase letters, digits, _ or -" })
    .optional(),
  name,
  description: z.string({ error: "expected a string" }).default(""),
  seed: z.number({ error: "expected an integer" }).int({ error: "expected an integer" })
    .default(42),
  duration: duration.optional(),
  load: profile.optional(),
  arrivals: z.enum(["uniform", "poisson"], { error: "expected uniform or poisson" })
    .default("poisson"),
  overflow: z.enum(["queue", "drop"], { error: "expected queue or drop" }).default("queue"),
  concurrency: count.optional(),
  timeout: duration.default(5),
  mix,
  dataset,
  tenants: z.array(tenant).default([]),
  recall: z.strictObject({ share: fraction, k: count }).optional(),
  integrity: z.union([
    z.literal(false),
    z.strictObject({ sample: count }),
  ], { error: "expected false or {sample: n}" }).default({ sample: 100_000 }),
  requires: z.array(capability).default([]),
  server: z.strictObject({
    tiering: z.strictObject({
      hot_to_warm_idle: duration,
      warm_to_cold_idle: duration,
      warm_to_hot_accesses: count,
      warm_to_hot_window: duration,
      check_interval: duration.optional(),
      upload_interval: duration.optional(),
    }).optional(),
    faults: z.array(fault).default([]),
    resilience_time_scale: positive.optional(),
  }).default({ faults: [] }),
  metrics: z.array(name).default([]),
  /**
   * How long the run waits after the bulk load for the target to index what it holds (its
   * reported backlog); a backlog still shrinking at the end fails the setup.
   */
  index_wait: duration.default(DEFAULT_INDEX_WAIT_S),
  /**
   * Searches sent before the measured load and not recorded (each stream at its load's starting
   * rate, searches only): a target's and the generator's first requests (code still compiling,
   * connections opening, buffers growing) are then not part of what is judged.
   */
  warmup: duration.default(0),
  /**
   * A stepped-rate probe after the measured load: open-model searches at `start_qps`, then ×
   * `growth` per stage of `stage` seconds, until a stage's search p95 exceeds `p95`, errors or
   * drops appear, or `max_qps` is passed; the highest stage that held is the sustained rate.
   */
  probe: z.strictObject({
    p95: duration,
    start_qps: positive,
    growth: z.number({ error: "expected a factor > 1" }).gt(1, { error: "expected a factor > 1" })
      .default(1.5),
    stage: duration.default(5),
    max_qps: positive.default(100_000),
  }).optional(),
  /**
   * A sweep: each step is this scenario with the step's fields merged over it (like `smoke`), run
   * in turn against a fresh target; `name` labels it in criteria (`{step=…}`) and reports.
   */
  steps: z.array(
    z.looseObject({
      name: z.string({ error: "expected a step name" }).regex(/^[A-Za-z0-9_.-]+$/, {
        error: "expected letters, digits, _ . or -",
      }),
    }),
  ).min(1, { error: "expected at least one step" }).optional(),
  criteria: z.array(z.string({ error: "expected a string" })).min(1, {
    error: "expected at least one criterion",
  }),
});

export type ScenarioDocument = z.output<typeof scenarioDocument>;
