/** The report stylesheet: readable on phones (narrow windows) and on paper (print). */
export const REPORT_CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --pass: #1a7f37;
  --fail: #cf222e; --skip: #9a6700; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 16px; }
h1 { font-size: 1.5rem; margin: 0.4em 0; }
h2 { font-size: 1.15rem; margin: 1.6em 0 0.5em; border-bottom: 1px solid var(--line); }
p.lead { color: var(--muted); margin: 0 0 0.6em; }
a { color: #0969da; }
.status { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600;
  font-size: 0.95rem; vertical-align: middle; }
.status.passed { background: #dafbe1; color: var(--pass); }
.status.failed, .status.invalid, .status.interrupted { background: #ffebe9; color: var(--fail); }
.status.skipped { background: #fff8c5; color: var(--skip); }
.table-wrap { overflow-x: auto; margin: 0.5em 0 1em; }
table { border-collapse: collapse; min-width: 50%; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.pass td.result { color: var(--pass); font-weight: 600; }
tr.fail td.result { color: var(--fail); font-weight: 600; }
code { font-size: 0.9em; background: var(--panel); padding: 1px 4px; border-radius: 4px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr));
  gap: 16px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
figure.chart figcaption { font-weight: 600; font-size: 0.9rem; margin-bottom: 4px; }
figure.chart .box { position: relative; height: 280px; }
.note { color: var(--muted); font-size: 0.9rem; }
dl.env { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
dl.env dt { font-weight: 600; }
dl.env dd { margin: 0; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 0.85rem; padding: 24px 16px; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  h1 { font-size: 1.25rem; }
  figure.chart .box { height: 220px; }
  dl.env { grid-template-columns: 1fr; }
  th, td { padding: 3px 5px; }
}
@media print {
  body { font-size: 10pt; }
  header, main, footer { max-width: none; padding: 0; }
  .no-print { display: none; }
  .charts { display: block; }
  figure.chart { break-inside: avoid; margin-bottom: 10px; }
  figure.chart .box { height: auto; }
  figure.chart canvas { max-width: 100% !important; height: auto !important; }
  h2 { break-after: avoid; }
  table { break-inside: auto; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
