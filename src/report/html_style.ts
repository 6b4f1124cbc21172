/** The report stylesheet: readable on phones (narrow windows) and on paper (print). */
export const REPORT_CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --pass: #1a7f37;
  --fail: #cf222e; --skip: #9a6700; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); }
header, main, body > section, footer { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
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
.mark { display: inline-block; position: relative; width: 0.95em; height: 0.95em;
  margin-right: 0.35em; border-radius: 50%; background: currentColor; vertical-align: -0.12em; }
.mark::before, .mark::after { content: ""; position: absolute; background: var(--bg); }
.mark.passed { color: var(--pass); }
.mark.failed, .mark.invalid, .mark.interrupted { color: var(--fail); }
.mark.skipped { color: var(--skip); }
.mark.passed::after { left: 0.33em; top: 0.14em; width: 0.28em; height: 0.5em; background: none;
  border: solid var(--bg); border-width: 0 0.13em 0.13em 0; transform: rotate(45deg); }
.mark.failed::before, .mark.failed::after { left: 0.41em; top: 0.18em; width: 0.13em;
  height: 0.6em; transform: rotate(45deg); }
.mark.failed::after { transform: rotate(-45deg); }
.mark.skipped::after { left: 0.2em; top: 0.41em; width: 0.55em; height: 0.13em; }
.mark.invalid::before { left: 0.41em; top: 0.16em; width: 0.13em; height: 0.4em; }
.mark.invalid::after { left: 0.41em; top: 0.64em; width: 0.13em; height: 0.13em; }
.mark.interrupted::after { left: 0.29em; top: 0.29em; width: 0.37em; height: 0.37em; }
td.few { color: var(--muted); font-style: italic; }
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
