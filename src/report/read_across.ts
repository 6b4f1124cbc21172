import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { UsageError } from "../usage/usage_error.ts";
import type { LabelledRuns } from "./across_targets.ts";
import { readRuns } from "./read_runs.ts";
import { ACROSS_MANIFEST, type AcrossManifest } from "./write_across.ts";

/** One target's saved runs for a comparison across targets. */
export interface AcrossInput extends LabelledRuns {
  /** The folder or file it was read from. */
  path: string;
  /** The folder holding this target's own reports (index.html), when there is one. */
  reportDir: string | null;
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

/** A folder or file to read, with the label a multi-target run's targets.json gave it. */
interface Source {
  path: string;
  label?: string;
}

async function readManifest(path: string): Promise<AcrossManifest> {
  let manifest: AcrossManifest;
  try {
    manifest = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(manifest?.targets)) throw new UsageError(`${path}: no targets array`);
  return manifest;
}

/**
 * The sources a path stands for: a multi-target run's folder stands for the target folders its
 * targets.json lists (in the order the run was given them; without the file, for every
 * sub-folder holding a suite.json, by name); anything else for itself.
 */
async function expand(path: string): Promise<Source[]> {
  const info = await Deno.stat(path).catch(() => null);
  if (!info?.isDirectory || await exists(join(path, "suite.json"))) return [{ path }];
  const manifest = join(path, ACROSS_MANIFEST);
  if (await exists(manifest)) {
    return (await readManifest(manifest)).targets.map((t) => ({
      path: join(path, t.folder),
      label: t.label,
    }));
  }
  const subs: string[] = [];
  for await (const e of Deno.readDir(path)) {
    if (e.isDirectory && await exists(join(path, e.name, "suite.json"))) {
      subs.push(join(path, e.name));
    }
  }
  return subs.length > 0 ? subs.sort().map((p) => ({ path: p })) : [{ path }];
}

/**
 * Reads the runs of several targets from result folders, suite.json files, RunResult JSONs or
 * report HTMLs (a multi-target run's folder counts as its targets' folders, labelled as that run
 * labelled them). Any other input is labelled by the target its runs name; inputs whose target
 * names clash or are mixed go by their folder's name, and a label still taken gets -2, -3….
 */
export async function readAcross(paths: string[]): Promise<AcrossInput[]> {
  const sources = (await Promise.all(paths.map(expand))).flat();
  if (sources.length < 2) {
    throw new UsageError(
      `--across: need the results of at least two targets, got ${sources.length} (${
        paths.join(", ")
      })`,
    );
  }
  const loaded = await Promise.all(sources.map(async ({ path, label }) => {
    const { suite, runs } = await readRuns(path);
    const names = new Set(runs.map((r) => r.target.name));
    const isDir = (await Deno.stat(path)).isDirectory;
    const reportDir = isDir && suite !== null && await exists(join(path, "index.html"))
      ? path
      : null;
    const name = names.size === 1 ? [...names][0] : null;
    return { path, runs, reportDir, label, name, status: suite?.status };
  }));
  const clash = (name: string | null) =>
    name === null || loaded.filter((l) => l.label === undefined && l.name === name).length > 1;
  const taken = new Map<string, number>();
  return loaded.map((l) => {
    const wanted = l.label ??
      (clash(l.name) ? basename(l.path.replace(/\/+$/, "")) : l.name!);
    const n = (taken.get(wanted) ?? 0) + 1;
    taken.set(wanted, n);
    const label = n === 1 ? wanted : `${wanted}-${n}`;
    return { label, path: l.path, runs: l.runs, status: l.status, reportDir: l.reportDir };
  });
}

/** The deepest folder holding every input: where the comparison goes by default. */
export async function commonFolder(inputs: AcrossInput[]): Promise<string> {
  const folders = await Promise.all(inputs.map(async (i) => {
    const isDir = (await Deno.stat(i.path)).isDirectory;
    return resolve(isDir ? i.path : dirname(i.path)).split(sep);
  }));
  const shared: string[] = [];
  for (let k = 0; folders.every((f) => k < f.length && f[k] === folders[0][k]); k++) {
    shared.push(folders[0][k]);
  }
  const folder = shared.join(sep) || sep;
  const inside = relative(Deno.cwd(), folder);
  return inside.startsWith("..") ? folder : inside || ".";
}
