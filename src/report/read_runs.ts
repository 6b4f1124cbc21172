import { basename, dirname, join } from "node:path";
import { UsageError } from "../usage/usage_error.ts";
import {
  RUN_RESULT_SCHEMA_VERSION,
  type RunResult,
  type SuiteResult,
} from "../result/run_result.ts";
import { type ShardFileHead, shardSummary } from "../result/shard_summary.ts";
import { RUN_RESULT_ELEMENT_ID } from "./html.ts";
import { ACROSS_MANIFEST } from "./write_across.ts";

/** Runs loaded from a RunResult JSON, a report HTML, a suite.json or a suite directory. */
export interface LoadedRuns {
  suite: SuiteResult | null;
  runs: RunResult[];
}

const EMBEDDED = new RegExp(
  `<script type="application/json" id="${RUN_RESULT_ELEMENT_ID}">([\\s\\S]*?)</script>`,
);

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new UsageError(`${path}: no such file`);
    throw err;
  }
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

function asRunResult(path: string, value: unknown): RunResult {
  const v = value as Partial<RunResult> | null;
  if (typeof v !== "object" || v === null || !("scenario_id" in v)) {
    throw new UsageError(`${path}: not a RunResult (no scenario_id)`);
  }
  if (v.schema_version !== RUN_RESULT_SCHEMA_VERSION) {
    throw new UsageError(
      `${path}: schema_version ${v.schema_version} is not supported (expected ${RUN_RESULT_SCHEMA_VERSION})`,
    );
  }
  for (const field of ["status", "success_criteria", "series", "operations"] as const) {
    if (v[field] === undefined) throw new UsageError(`${path}: RunResult lacks field '${field}'`);
  }
  return v as RunResult;
}

/** Reads one RunResult from a .json file or from a report .html that embeds it. */
export async function readRunResult(path: string): Promise<RunResult> {
  const text = await readText(path);
  if (path.endsWith(".html") || path.endsWith(".htm")) {
    const m = EMBEDDED.exec(text);
    if (!m) throw new UsageError(`${path}: no embedded RunResult (#${RUN_RESULT_ELEMENT_ID})`);
    return asRunResult(path, parseJson(path, m[1]));
  }
  const value = parseJson(path, text) as Partial<ShardFileHead> | null;
  // One shard's result (run --shard I/N): its own run, with its row of the Shards table.
  if (value?.kind === "akibench-shard" && value.run) {
    return { ...asRunResult(path, value.run), shards: [shardSummary(value as ShardFileHead)] };
  }
  return asRunResult(path, value);
}

async function readSuite(path: string): Promise<LoadedRuns> {
  const suite = parseJson(path, await readText(path)) as SuiteResult;
  if (!Array.isArray(suite?.runs)) throw new UsageError(`${path}: not a suite (no runs array)`);
  const dir = dirname(path);
  const runs: RunResult[] = [];
  for (const entry of suite.runs) runs.push(await readRunResult(join(dir, basename(entry.file))));
  return { suite, runs };
}

/**
 * Loads runs from a path: a suite directory (suite.json, else every *.json RunResult in it), a
 * suite.json, a RunResult .json, a shard's result (<scenario>.shard-I-of-N.json) or a report
 * .html.
 */
export async function readRuns(path: string): Promise<LoadedRuns> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    throw new UsageError(`${path}: no such file or directory`);
  }
  if (info.isDirectory) {
    const suitePath = join(path, "suite.json");
    if (await Deno.stat(suitePath).then(() => true, () => false)) return readSuite(suitePath);
    if (await Deno.stat(join(path, ACROSS_MANIFEST)).then(() => true, () => false)) {
      throw new UsageError(
        `${path}: a run on several targets; name one target's folder (${
          join(path, "<target>")
        }) or use 'report --across ${path}'`,
      );
    }
    const names: string[] = [];
    for await (const e of Deno.readDir(path)) {
      if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
    }
    if (names.length === 0) throw new UsageError(`${path}: no suite.json or RunResult .json files`);
    const runs = await Promise.all(names.sort().map((n) => readRunResult(join(path, n))));
    return { suite: null, runs };
  }
  if (basename(path) === "suite.json") return readSuite(path);
  return { suite: null, runs: [await readRunResult(path)] };
}
