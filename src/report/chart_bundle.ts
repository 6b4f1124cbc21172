/**
 * The Chart.js UMD bundle as text, for inlining into self-contained HTML. Found next to the
 * module that `chart.js` resolves to (node_modules, populated by `deno install` or the first run);
 * the sourceMappingURL comment is stripped so a report opened from disk requests nothing.
 */
let cached: string | undefined;

export function chartJsBundle(): string {
  if (cached !== undefined) return cached;
  const entry = import.meta.resolve("chart.js");
  let text: string;
  try {
    text = Deno.readTextFileSync(new URL("./chart.umd.min.js", entry));
  } catch (err) {
    throw new Error(
      `cannot read chart.umd.min.js next to ${entry} (needs nodeModulesDir; run 'deno install'): ${err}`,
    );
  }
  cached = text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n").replaceAll(
    "</script",
    "<\\/script",
  );
  return cached;
}
