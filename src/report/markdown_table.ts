/** A GitHub-flavoured Markdown table; `|` and newlines inside cells are escaped. */
export function markdownTable(headers: string[], rows: string[][], align?: ("l" | "r")[]): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const rule = headers.map((_, i) => (align?.[i] === "r" ? "---:" : "---"));
  return [headers, rule, ...rows].map((r) => `| ${r.map(cell).join(" | ")} |`).join("\n");
}
