import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { CriterionError } from "../criteria/criterion.ts";
import { parseCriterion } from "../criteria/parse.ts";
import type { ProfileSpec } from "../load/load_spec.ts";
import { didYouMean } from "../usage/did_you_mean.ts";
import { isMapping, mergeOverride } from "./merge.ts";
import { intrinsicDurationS, toProfileSpec } from "./profile.ts";
import type { Scenario } from "./scenario.ts";
import { ScenarioError } from "./scenario_error.ts";
import { type DatasetFiles, readDatasetFiles, resolveDataset } from "./scenario_dataset.ts";
import { type ScenarioDocument, scenarioDocument } from "./schema.ts";
import { splitStepSelector } from "./step_criteria.ts";

/** Directory of the bundled scenarios (the package's `scenarios/`). */
export const SCENARIO_DIR = decodeURIComponent(
  new URL("../../scenarios/", import.meta.url).pathname,
);

/** A bare name ("baseline") means a bundled scenario; anything else is a file path. */
export function scenarioPath(ref: string): string {
  return /\.ya?ml$/.test(ref) || ref.includes("/") ? ref : `${SCENARIO_DIR}${ref}.yaml`;
}

/** The names `run` accepts for the bundled scenarios (their file names without .yaml), sorted. */
export async function bundledScenarioNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(SCENARIO_DIR)) {
    if (entry.isFile && entry.name.endsWith(".yaml")) names.push(entry.name.slice(0, -5));
  }
  return names.sort();
}

/** Reads, validates and scales one scenario file. Throws ScenarioError (one line) on bad input. */
export async function loadScenario(ref: string, profile: "full" | "smoke"): Promise<Scenario> {
  const path = scenarioPath(ref);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      throw new ScenarioError(`${path}: ${(err as Error).message}`);
    }
    if (path !== ref) {
      throw new ScenarioError(
        `no bundled scenario '${ref}'${didYouMean(ref, await bundledScenarioNames())}`,
      );
    }
    throw new ScenarioError(`${path}: no such file`);
  }
  return parseScenario(text, path, profile, await readDatasetFiles(text, path));
}

/**
 * Validates and scales a scenario given as YAML text; `file` names it in errors (and locates a
 * `dataset.file`, whose shapes and attributes `files` holds: see readDatasetFiles).
 */
export function parseScenario(
  text: string,
  file: string,
  profile: "full" | "smoke",
  files: DatasetFiles = new Map(),
): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ScenarioError(`${file}: invalid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  if (!isMapping(raw)) throw new ScenarioError(`${file}: expected a YAML mapping at the top`);
  const { smoke, ...full } = raw;
  const fullScenario = resolveSweep(full, file, "full", undefined, files);
  if (profile === "full") return fullScenario;
  if (smoke === undefined) {
    throw new ScenarioError(
      `${file} has no smoke block: add 'smoke:' with smaller duration/load/dataset, or run without --smoke`,
    );
  }
  if (!isMapping(smoke)) {
    throw new ScenarioError(`${file}: smoke: expected a mapping of smoke-scale overrides`);
  }
  const merged = mergeOverride(full, smoke);
  return resolveSweep(merged, file, "smoke", { doc: smoke, prefix: "smoke." }, files);
}

/** Fields a document overrides, and how errors name them ("smoke.", "steps[2]."). */
interface Override {
  doc: unknown;
  prefix: string;
}

/**
 * Validates and resolves a scenario document; with `steps`, also each step: the document with
 * the step's fields merged over it and the criteria for that step (see step_criteria.ts).
 */
function resolveSweep(
  raw: unknown,
  file: string,
  profile: "full" | "smoke",
  override: Override | undefined,
  files: DatasetFiles,
): Scenario {
  const doc = validate(raw, file, override);
  if (doc.steps === undefined) return resolve(doc, file, profile, override, files, null);
  const { steps: _, ...base } = raw as Record<string, unknown>;
  const criteria = doc.criteria.map(splitStepSelector);
  const names = doc.steps.map((s) => s.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) {
      throw new ScenarioError(`${file}: steps[${i}].name: duplicate step "${n}"`);
    }
  });
  criteria.forEach((c, i) => {
    if (c.step !== null && !names.includes(c.step)) {
      throw new ScenarioError(
        `${file}: criteria[${i}]: no step "${c.step}" (steps: ${names.join(", ")})`,
      );
    }
  });
  const stripped = { ...base, criteria: criteria.map((c) => c.expression) };
  const top = resolve(validate(stripped, file, override), file, profile, override, files, null);
  const steps = doc.steps.map(({ name, ...fields }, i) => {
    if ("steps" in fields) throw new ScenarioError(`${file}: steps[${i}].steps: steps do not nest`);
    const own = criteria.filter((c) => c.step === null || c.step === name);
    if (own.length === 0) {
      throw new ScenarioError(`${file}: steps[${i}]: no criterion applies to step "${name}"`);
    }
    const merged = {
      ...(mergeOverride(base, fields) as Record<string, unknown>),
      criteria: own.map((c) => c.expression),
    };
    const stepOverride = { doc: fields, prefix: `steps[${i}].` };
    const scenario = resolve(
      validate(merged, file, stepOverride),
      file,
      profile,
      stepOverride,
      files,
      name,
    );
    return { name, scenario };
  });
  return { ...top, criteria: doc.criteria, steps };
}

function validate(raw: unknown, file: string, override: Override | undefined): ScenarioDocument {
  const parsed = scenarioDocument.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ScenarioError(describeIssue(parsed.error.issues[0], raw, file, override));
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  file: string,
  override: Override | undefined,
) {
  let path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  let message = issue.message;
  if (issue.code === "unrecognized_keys") {
    path = [...path, issue.keys[0]];
    message = "unknown field";
  }
  const overridden = override !== undefined && valueAt(override.doc, path) !== undefined;
  const value = valueAt(raw, path);
  const got = issue.code === "unrecognized_keys"
    ? ""
    : value === undefined
    ? " (missing)"
    : `, got ${JSON.stringify(value)}`;
  return `${file}: ${overridden ? override.prefix : ""}${formatPath(path)}: ${message}${got}`;
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("") ||
    "(top)";
}

function resolve(
  doc: ScenarioDocument,
  file: string,
  profile: "full" | "smoke",
  override: Override | undefined,
  files: DatasetFiles,
  step: string | null,
): Scenario {
  const fail = (path: string, why: string): never => {
    const keys = path.split(/[.[\]]/).filter((k) => k !== "").map((k) =>
      /^\d+$/.test(k) ? Number(k) : k
    );
    const prefix = override !== undefined && valueAt(override.doc, keys) !== undefined
      ? override.prefix
      : "";
    throw new ScenarioError(`${file}: ${prefix}${path}: ${why}`);
  };
  const load = doc.load ? toProfileSpec(doc.load) : null;
  if (doc.tenants.length > 0 && load) fail("load", "remove it: each tenant brings its own load");
  if (doc.tenants.length === 0 && !load) fail("load", "expected a load profile (or tenants)");
  if (doc.tenants.length === 0 && doc.concurrency === undefined) {
    fail("concurrency", "expected a positive integer (missing)");
  }
  const tenants = doc.tenants.map((t) => ({
    name: t.name,
    load: t.load ? toProfileSpec(t.load) : { type: "constant", qps: t.qps! } as ProfileSpec,
    concurrency: t.concurrency,
    role: t.role,
  }));
  const names = new Set<string>();
  tenants.forEach((t, i) => {
    if (names.has(t.name)) fail(`tenants[${i}].name`, `duplicate tenant "${t.name}"`);
    names.add(t.name);
  });
  const profiles = load ? [load] : tenants.map((t) => t.load);
  const intrinsic = profiles.map(intrinsicDurationS).filter((d): d is number => d !== null);
  const durationS = doc.duration ?? intrinsic[0];
  if (durationS === undefined) fail("duration", "expected a duration like 30s, 5m or 1h (missing)");
  for (const d of intrinsic) {
    if (Math.abs(d - durationS) > 1e-9) {
      fail("duration", `${durationS}s differs from the load profile's ${d}s`);
    }
  }
  const groups = Math.max(1, tenants.length);
  const ds = {
    ...resolveDataset(doc.dataset, file, files, groups, fail),
    access: doc.dataset.access,
  };
  const perCollection = Math.floor(ds.size / ds.collections);
  if (perCollection < 1) {
    fail("dataset.collections", `more collections than the ${ds.size} vectors`);
  }
  if (ds.access !== "uniform" && (ds.access.window ?? 0) > ds.collections) {
    fail("dataset.access.window", `${ds.access.window} exceeds the ${ds.collections} collections`);
  }
  if (doc.recall && doc.recall.k > Math.min(ds.k, perCollection)) {
    fail("recall.k", `expected ≤ dataset.k (${ds.k}) and ≤ vectors per collection`);
  }
  if (ds.k > ds.size * groups) fail("dataset.k", `expected ≤ the ${ds.size} vectors`);
  const faults = doc.server.faults.map((f, i) => {
    const atS = typeof f.at === "number" ? f.at : 0;
    if (atS + f.duration > durationS + 1e-9) {
      fail(`server.faults[${i}]`, `ends after the ${durationS}s run`);
    }
    return {
      atS,
      durationS: f.duration,
      ...(f.s3_latency !== undefined ? { s3LatencyMs: f.s3_latency * 1000 } : {}),
      ...(f.s3_error_rate !== undefined ? { s3ErrorRate: f.s3_error_rate } : {}),
      ...(f.s3_throttle !== undefined ? { s3ThrottleRate: f.s3_throttle } : {}),
    };
  });
  const t = doc.server.tiering;
  const scenario: Scenario = {
    id: doc.id ?? file.replace(/^.*\//, "").replace(/\.ya?ml$/, ""),
    name: doc.name,
    description: doc.description,
    profile,
    source: file,
    seed: doc.seed,
    durationS,
    load,
    arrivals: doc.arrivals,
    overflow: doc.overflow,
    concurrency: doc.concurrency ?? tenants.reduce((s, x) => s + x.concurrency, 0),
    timeoutMs: doc.timeout * 1000,
    mix: {
      search: doc.mix.search / 100,
      insert: doc.mix.insert / 100,
      update: doc.mix.update / 100,
      delete: doc.mix.delete / 100,
      metadata: doc.mix.metadata / 100,
    },
    dataset: {
      ...ds,
      access: ds.access === "uniform" ? { type: "uniform" } : {
        type: "zipf",
        s: ds.access.zipf,
        ...(ds.access.window !== undefined
          ? { window: { size: ds.access.window, slideEveryS: ds.access.slide_every! } }
          : {}),
      },
    },
    tenants,
    recall: doc.recall ?? null,
    integrity: doc.integrity === false ? null : doc.integrity,
    requires: doc.requires,
    server: {
      tiering: t
        ? {
          hotToWarmIdleS: t.hot_to_warm_idle,
          warmToColdIdleS: t.warm_to_cold_idle,
          warmToHotAccesses: t.warm_to_hot_accesses,
          warmToHotWindowS: t.warm_to_hot_window,
          ...(t.check_interval !== undefined ? { checkIntervalS: t.check_interval } : {}),
          ...(t.upload_interval !== undefined ? { uploadIntervalS: t.upload_interval } : {}),
        }
        : null,
      faults,
      resilienceTimeScale: doc.server.resilience_time_scale ?? null,
    },
    metrics: doc.metrics,
    criteria: doc.criteria,
    indexWaitS: doc.index_wait,
    warmupS: doc.warmup,
    probe: doc.probe
      ? {
        p95LimitMs: doc.probe.p95 * 1000,
        startQps: doc.probe.start_qps,
        growth: doc.probe.growth,
        stageS: doc.probe.stage,
        maxQps: doc.probe.max_qps,
      }
      : null,
    steps: [],
    step,
  };
  checkCriteria(scenario, fail);
  return scenario;
}

function checkCriteria(s: Scenario, fail: (path: string, why: string) => never): void {
  const phases = new Set(
    (s.load ? [s.load] : s.tenants.map((t) => t.load)).flatMap(phaseNames),
  );
  s.criteria.forEach((expression, i) => {
    const path = `criteria[${i}]`;
    let c;
    try {
      c = parseCriterion(expression);
    } catch (err) {
      if (err instanceof CriterionError) fail(path, err.message);
      throw err;
    }
    if (c.kind === "recall" && s.recall?.k !== c.k) {
      fail(path, `${c.metric} needs recall: {k: ${c.k}} in the scenario`);
    }
    const sel = c.traffic;
    if (sel?.tenant !== undefined && !s.tenants.some((t) => t.name === sel.tenant)) {
      fail(path, `no tenant "${sel.tenant}" in this scenario`);
    }
    if (sel?.phase !== undefined && !phases.has(sel.phase)) {
      fail(path, `no phase "${sel.phase}" in the load profile`);
    }
    if (sel?.tier !== undefined && !s.server.tiering) {
      fail(path, "tier selectors need server.tiering");
    }
    if (sel?.tier !== undefined && !["hot", "warm", "cold"].includes(sel.tier)) {
      fail(path, `tier must be hot, warm or cold, got "${sel.tier}"`);
    }
  });
}

/** Phase names a profile defines (the engine reports traffic per phase under these names). */
export function phaseNames(spec: ProfileSpec): string[] {
  if (spec.type === "spike") return ["baseline", "ramp_up", "hold", "ramp_down", "recovery"];
  if (spec.type === "stages") return spec.stages.map((x) => x.name);
  return [];
}
