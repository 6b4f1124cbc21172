import { join, relative } from "node:path";
import { writeTextFileAtomic } from "../io/atomic_write.ts";
import { type AcrossTargets, acrossTargets } from "./across_targets.ts";
import { renderAcrossHtml } from "./across_targets_html.ts";
import type { ReportLinks } from "./across_targets_markdown.ts";
import { renderAcrossMarkdown } from "./across_targets_markdown.ts";
import type { AcrossInput } from "./read_across.ts";

/** File names of the comparison across targets. */
export const ACROSS_HTML = "comparison.html";
export const ACROSS_MARKDOWN = "comparison.md";
/** A multi-target run's list of its targets' folders, in the order they were given. */
export const ACROSS_MANIFEST = "targets.json";

/** What targets.json holds: each target's label and its folder (relative to the manifest). */
export interface AcrossManifest {
  targets: { label: string; folder: string }[];
}

/**
 * Writes comparison.html and comparison.md into `dir`, linking each target's own reports by a
 * path relative to `dir`. Returns the comparison and the written paths.
 */
export async function writeAcrossReports(
  dir: string,
  inputs: AcrossInput[],
): Promise<{ across: AcrossTargets; written: string[] }> {
  const across = acrossTargets(inputs);
  const links: ReportLinks = {};
  for (const i of inputs) {
    if (i.reportDir !== null) links[i.label] = `${relative(dir, i.reportDir) || "."}/`;
  }
  await Deno.mkdir(dir, { recursive: true });
  const html = join(dir, ACROSS_HTML);
  const md = join(dir, ACROSS_MARKDOWN);
  await writeTextFileAtomic(html, renderAcrossHtml(across, links));
  await writeTextFileAtomic(md, renderAcrossMarkdown(across, links));
  return { across, written: [html, md] };
}

/** Writes targets.json into a multi-target run's folder, so `report --across` keeps its order. */
export async function writeAcrossManifest(dir: string, inputs: AcrossInput[]): Promise<string> {
  const manifest: AcrossManifest = {
    targets: inputs.map((i) => ({ label: i.label, folder: relative(dir, i.path) })),
  };
  const path = join(dir, ACROSS_MANIFEST);
  await writeTextFileAtomic(path, JSON.stringify(manifest, null, 2) + "\n");
  return path;
}
