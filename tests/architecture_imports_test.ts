/**
 * The folders of src/ import only downward, along the pipeline scenario → plan → load → metrics →
 * result → report (README "Architecture"). An import a folder is not allowed fails here, unless
 * it is a named exception below: what the layering still breaks, kept visible until it is fixed.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { sourceFiles } from "./source_files.ts";

const SRC = new URL("../src/", import.meta.url).pathname;

/** What each folder may import (files directly in src/, e.g. version.ts, are "version"). */
const ALLOWED: Record<string, readonly string[]> = {
  version: [],
  api: [],
  usage: [],
  io: [],
  random: [],
  result: ["version"],
  dataset: ["usage", "io"],
  criteria: ["result"],
  metrics: ["result"],
  load: ["metrics", "result", "random"],
  scenario: ["load", "criteria", "dataset", "api", "usage"],
  plan: ["scenario", "load", "dataset", "api", "random"],
  server: ["api", "version"],
  // The reference target starts the reference server and waits for its start line.
  targets: ["api", "dataset", "server"],
  // Reports read RunResults; trend lines use the metrics' least squares.
  report: ["result", "io", "usage", "metrics", "random"],
  run: ["plan", "load", "metrics", "result", "scenario", "targets", "criteria", "dataset", "usage"],
  shard: [
    "run",
    "plan",
    "load",
    "metrics",
    "result",
    "scenario",
    "targets",
    "criteria",
    "dataset",
    "io",
    "usage",
  ],
  // The command line composes everything.
  cli: [
    ...[
      "version",
      "api",
      "usage",
      "io",
      "random",
      "result",
      "dataset",
      "criteria",
      "metrics",
      "load",
    ],
    ...["scenario", "plan", "server", "targets", "report", "run", "shard"],
  ],
};

/**
 * Imports that break the direction today, file → file (paths under src/). Each names why and
 * what removes it; the test also fails when one is no longer needed, so the list stays true.
 */
const EXCEPTIONS: Record<string, string> = {};

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s*["'](\.{1,2}\/[^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

function folderOf(path: string): string {
  const [first, ...rest] = path.split("/");
  return rest.length === 0 ? first.replace(/\.ts$/, "") : first;
}

/** Every relative import between .ts files of src/, as "from -> to" (paths under src/). */
async function importEdges(): Promise<string[]> {
  const edges: string[] = [];
  for await (const { path, text } of sourceFiles(SRC)) {
    for (const m of [...text.matchAll(IMPORT), ...text.matchAll(DYNAMIC)]) {
      const target = relative(SRC, join(dirname(path), m[1]));
      edges.push(`${relative(SRC, path)} -> ${target}`);
    }
  }
  return edges;
}

/** The edges that cross folders against ALLOWED (exceptions included). */
function upward(edges: string[]): string[] {
  return edges.filter((edge) => {
    const [from, to] = edge.split(" -> ").map(folderOf);
    if (from === to) return false;
    const allowed = ALLOWED[from];
    assert.ok(allowed, `folder src/${from}/ is missing from ALLOWED (add it with its imports)`);
    return !allowed.includes(to);
  });
}

Deno.test("src/ folders import only in the allowed directions (or a listed exception)", async () => {
  const edges = await importEdges();
  assert.ok(edges.length > 500, `only ${edges.length} imports found: the parser is broken`);
  const bad = upward(edges);
  const unlisted = bad.filter((edge) => !(edge in EXCEPTIONS));
  assert.deepEqual(unlisted, [], "imports against the direction (fix them, or list them)");
  const stale = Object.keys(EXCEPTIONS).filter((edge) => !bad.includes(edge));
  assert.deepEqual(stale, [], "exceptions that no longer occur: remove them from EXCEPTIONS");
});

Deno.test("an upward import is caught: load/ importing run/, or dataset/ importing cli/", () => {
  assert.deepEqual(
    upward([
      "load/engine.ts -> run/run_scenario.ts",
      "dataset/hdf5.ts -> cli/main.ts",
      "plan/request_plan.ts -> load/load_spec.ts",
      "load/engine.ts -> load/clock.ts",
    ]),
    ["load/engine.ts -> run/run_scenario.ts", "dataset/hdf5.ts -> cli/main.ts"],
  );
});
