/**
 * Browser code that draws the across-targets page's charts with Chart.js from the embedded
 * #across-targets JSON: per scenario, the compared operation's latency percentile spectra
 * overlaid (one line per target; latency on a log scale when the targets' worst latencies are
 * over 10x apart) and recall against achieved throughput (one point per target).
 */
export const ACROSS_CHARTS_SCRIPT = String.raw`
(function () {
  "use strict";
  var COLORS = ["#0969da", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7b83",
    "#57606a"];
  // Targets with equal recall and throughput land on one spot: distinct shapes keep each visible.
  var SHAPES = ["circle", "triangle", "rect", "rectRot", "star", "crossRot", "cross", "line"];
  function percentLabel(value) {
    var exp = Math.log10(value);
    if (Math.abs(exp - Math.round(exp)) > 1e-9) return "";
    var p = 100 * (1 - 1 / value);
    return p === 0 ? "0%" : (Math.round(p * 10000) / 10000) + "%";
  }
  function make(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    config.options.animation = false;
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    new Chart(canvas, config);
  }
  var el = document.getElementById("across-targets");
  if (!el) return;
  var data = JSON.parse(el.textContent);
  data.scenarios.forEach(function (s, i) {
    var lines = [], points = [];
    s.cells.forEach(function (c, t) {
      if (!c) return;
      var color = COLORS[t % COLORS.length];
      if (c.spectrum.length) lines.push({ label: data.labels[t], borderColor: color,
        backgroundColor: color, pointRadius: 0, borderWidth: 1.5,
        data: c.spectrum.map(function (p) { return { x: p[0], y: p[1] }; }) });
      if (c.recall && c.recall.overall !== null && c.operations.length) points.push({
        label: data.labels[t], backgroundColor: color + "99", borderColor: color, borderWidth: 2,
        pointStyle: SHAPES[t % SHAPES.length], pointRadius: 9 - (t % 4), pointHoverRadius: 11,
        data: [{ x: c.achieved_qps, y: c.recall.overall }] });
    });
    // A target whose worst latency is over 10x another's flattens that one's line on a linear
    // axis (timeouts at 5,000 ms against answers in 10 ms): then latency is drawn on a log scale.
    var worst = lines.map(function (l) {
      return Math.max.apply(null, l.data.map(function (p) { return p.y; }));
    });
    var logY = worst.length > 1 && Math.max.apply(null, worst) > 10 * Math.min.apply(null, worst);
    if (lines.length) make("chart-spectrum-" + i, { type: "line", data: { datasets: lines },
      options: { scales: { x: { type: "logarithmic", title: { display: true,
        text: "percentile (log scale of 1/(1-p))" }, ticks: { callback: percentLabel,
        autoSkip: false, maxRotation: 0 } }, y: logY ? { type: "logarithmic",
        title: { display: true, text: s.spectrum_operation + " latency ms (log scale)" } }
        : { beginAtZero: true,
        title: { display: true, text: s.spectrum_operation + " latency ms" } } } } });
    if (points.length) make("chart-recall-qps-" + i, { type: "scatter",
      data: { datasets: points }, options: { plugins: { legend: { labels: {
        usePointStyle: true } } }, scales: {
        x: { beginAtZero: true, title: { display: true, text: "achieved QPS (answered without error, all operations)" } },
        y: { suggestedMin: 0.8, suggestedMax: 1, title: { display: true, text: "recall" } } } } });
  });
})();
`;
