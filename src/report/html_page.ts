import { chartJsBundle } from "./chart_bundle.ts";
import { REPORT_CSS } from "./html_style.ts";
import { escapeMarkup } from "./markup_escape.ts";

/** JSON safe to place inside a <script type="application/json"> element. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export interface PageParts {
  title: string;
  body: string;
  /** Embedded JSON documents by element id (e.g. run-result, chart-data). */
  json?: Record<string, unknown>;
  /** Browser scripts run after Chart.js (only when the page has charts). */
  scripts?: string[];
  /** Extra CSP source lists, e.g. "connect-src 'self'" for the live page's event stream. */
  extraCsp?: string;
}

/** Nothing may be fetched: a report opened from disk makes no request. */
const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/** A complete, self-contained HTML document: CSS, data and (when charts are drawn) Chart.js inline. */
export function htmlPage(parts: PageParts): string {
  const json = Object.entries(parts.json ?? {}).map(([id, v]) =>
    `<script type="application/json" id="${id}">${embedJson(v)}</script>`
  );
  const scripts = parts.scripts && parts.scripts.length > 0
    ? [`<script>${chartJsBundle()}</script>`, ...parts.scripts.map((s) => `<script>${s}</script>`)]
    : [];
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}${
      parts.extraCsp ? `; ${parts.extraCsp}` : ""
    }">`,
    `<title>${escapeMarkup(parts.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    "</head>",
    "<body>",
    parts.body,
    ...json,
    ...scripts,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
