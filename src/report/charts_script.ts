/**
 * Browser code that draws a report's charts with Chart.js from the embedded #chart-data JSON
 * (see chart_data.ts). `window.akibenchDraw(data)` redraws, which the live view uses;
 * `window.akibenchSpectrum(id, sets)` draws overlaid percentile spectra (the compare page).
 */
export const CHARTS_SCRIPT = String.raw`
(function () {
  "use strict";
  var COLORS = ["#0969da", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7b83",
    "#57606a"];
  var charts = [];
  var phasePlugin = {
    id: "phases",
    beforeDatasetsDraw: function (chart, _args, opts) {
      var phases = opts && opts.list;
      if (!phases || !phases.length) return;
      var ctx = chart.ctx, area = chart.chartArea, x = chart.scales.x;
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      // Each label takes the first of three rows where it clears the labels before it; one that
      // fits nowhere is left out (the phases table names every phase).
      var rowEnds = [-Infinity, -Infinity, -Infinity];
      ctx.font = "11px system-ui, sans-serif";
      phases.forEach(function (p, i) {
        var x0 = x.getPixelForValue(p.start), x1 = x.getPixelForValue(p.end);
        ctx.fillStyle = i % 2 ? "rgba(130,80,223,0.08)" : "rgba(9,105,218,0.06)";
        ctx.fillRect(x0, area.top, x1 - x0, area.bottom - area.top);
        var left = x0 + 3, width = ctx.measureText(p.name).width;
        for (var row = 0; row < rowEnds.length; row++) {
          if (left >= rowEnds[row] + 6) {
            ctx.fillStyle = "#57606a";
            ctx.fillText(p.name, left, area.top + 12 * (row + 1));
            rowEnds[row] = left + width;
            return;
          }
        }
      });
      ctx.restore();
    }
  };
  // Tier transitions on the per-tier latency chart: a faint line across the plot and a tick in
  // the move's own row along the top, coloured by the tier moved into.
  var markerPlugin = {
    id: "tierMarkers",
    afterDatasetsDraw: function (chart, _args, opts) {
      var marks = opts && opts.list;
      if (!marks || !marks.length) return;
      var ctx = chart.ctx, area = chart.chartArea, x = chart.scales.x;
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      marks.forEach(function (m) {
        var px = x.getPixelForValue(m.t), row = opts.moves.indexOf(m.move);
        var color = moveColor(m.move);
        ctx.globalAlpha = 0.25;
        ctx.strokeStyle = color;
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        ctx.globalAlpha = 1;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(px, area.top + 7 * row);
        ctx.lineTo(px, area.top + 7 * row + 6);
        ctx.stroke();
      });
      ctx.restore();
    }
  };
  // One colour per tier on every tier chart; a move takes the colour of the tier it moves into,
  // dashed when it promotes (cold → warm, warm → hot).
  var TIER_COLORS = { hot: "#cf222e", warm: "#9a6700", cold: "#0969da" };
  var TIER_RANK = { hot: 0, warm: 1, cold: 2 };
  function tierColor(tier) {
    return TIER_COLORS[tier] || COLORS[7];
  }
  function moveColor(move) {
    return tierColor(move.split(" → ")[1]);
  }
  function moveStyle(move) {
    var ends = move.split(" → ");
    var promotes = TIER_RANK[ends[1]] < TIER_RANK[ends[0]];
    var c = moveColor(move);
    return promotes ? { borderColor: c, backgroundColor: c, borderDash: [6, 3] }
      : { borderColor: c, backgroundColor: c };
  }
  function tierLatencyChart(id, data) {
    var moves = Object.keys(data.tierRates);
    var sets = [];
    data.tierLatency.forEach(function (s) {
      // Points too: a tier searched in isolated seconds (cold ones) has no line to draw.
      var c = TIER_COLORS[s.tier] || COLORS[7];
      sets.push(line(s.tier + " p50", s.p50, 0, { borderColor: c, backgroundColor: c,
        pointRadius: 2 }));
      sets.push(line(s.tier + " p95", s.p95, 0, { borderColor: c, backgroundColor: c,
        borderDash: [6, 3], pointRadius: 2, pointStyle: "rect" }));
    });
    // Legend entries for the markers (no data of their own).
    moves.forEach(function (m) {
      if (data.tierMarkers.some(function (k) { return k.move === m; })) {
        var style = moveStyle(m);
        style.borderWidth = 2;
        sets.push(line("| " + m, [], 0, style));
      }
    });
    var options = { scales: { x: timeAxis(data), y: { type: "logarithmic",
      title: { display: true, text: "ms (log scale)" } } },
      plugins: { phases: { list: data.phases },
        tierMarkers: { list: data.tierMarkers, moves: moves } },
      interaction: { mode: "nearest", intersect: false } };
    make(id, { type: "line", data: { datasets: sets }, options: options,
      plugins: [phasePlugin, markerPlugin] });
  }
  function xy(points) {
    return points.map(function (p) { return { x: p[0], y: p[1] }; });
  }
  function line(label, points, i, extra) {
    var d = { label: label, data: xy(points), borderColor: COLORS[i % COLORS.length],
      backgroundColor: COLORS[i % COLORS.length], pointRadius: 0, borderWidth: 1.5, spanGaps: false };
    for (var k in extra || {}) d[k] = extra[k];
    return d;
  }
  function timeAxis(data) {
    return { type: "linear", min: 0, max: data.end, title: { display: true, text: "seconds" +
      (data.bucketSeconds > 1 ? " (" + data.bucketSeconds + "-s buckets)" : "") } };
  }
  function make(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    config.options = config.options || {};
    config.options.animation = false;
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    charts.push(new Chart(canvas, config));
  }
  function wholeNumbers(datasets) {
    return datasets.every(function (d) {
      return d.data.every(function (p) { return p.y === null || Number.isInteger(p.y); });
    });
  }
  function timeChart(id, data, datasets, yTitle, extra, counts) {
    var options = { scales: { x: timeAxis(data), y: { beginAtZero: true,
      title: { display: true, text: yTitle } } },
      plugins: { phases: { list: data.phases } }, interaction: { mode: "nearest", intersect: false } };
    for (var k in extra || {}) options.scales[k] = extra[k];
    // Counts get whole-number ticks: a "2.5 collections" tick reads as a measurement.
    if (counts && wholeNumbers(datasets)) {
      options.scales.y.ticks = options.scales.y.ticks || {};
      options.scales.y.ticks.precision = 0;
    }
    make(id, { type: "line", data: { datasets: datasets }, options: options, plugins: [phasePlugin] });
  }
  function bars(id, rows, yTitle) {
    make(id, { type: "bar", data: { labels: rows.map(function (r) { return r.label; }),
      datasets: ["p50", "p95", "p99"].map(function (k, i) {
        return { label: k, data: rows.map(function (r) { return r[k]; }),
          backgroundColor: COLORS[i] };
      }) }, options: { scales: { y: { beginAtZero: true, title: { display: true, text: yTitle } } } } });
  }
  function percentLabel(value) {
    var p = 100 * (1 - 1 / value);
    var exp = Math.log10(value);
    if (Math.abs(exp - Math.round(exp)) > 1e-9) return "";
    return p === 0 ? "0%" : (Math.round(p * 10000) / 10000) + "%";
  }
  /** Latency against percentile, one line per {label, points}; the compare page overlays two runs. */
  function spectrumChart(id, sets) {
    make(id, { type: "line", data: { datasets:
      sets.map(function (s, i) { return line(s.label, s.points, i); }) },
      options: { scales: { x: { type: "logarithmic", title: { display: true,
        text: "percentile (log scale of 1/(1-p))" }, ticks: { callback: percentLabel,
        autoSkip: false, maxRotation: 0 } }, y: { beginAtZero: true,
        title: { display: true, text: "latency ms" } } } } });
  }
  // A sweep's figures against the dataset size on a log axis ticked at the steps' sizes; y is
  // logarithmic where the values span decades (latency, bytes per vector, seconds).
  function sizeLabel(v) {
    return v >= 1e6 && v % 1e6 === 0 ? v / 1e6 + "M" : v >= 1e3 && v % 1e3 === 0 ? v / 1e3 + "k"
      : String(v);
  }
  function axis(title, log, extra) {
    var a = { type: log ? "logarithmic" : "linear", beginAtZero: !log,
      title: { display: true, text: title + (log ? " (log scale)" : "") } };
    for (var k in extra || {}) a[k] = extra[k];
    return a;
  }
  function sizeChart(id, sizes, sets, y, y1) {
    var scales = { x: { type: "logarithmic", title: { display: true,
      text: "vectors (log scale)" }, afterBuildTicks: function (a) {
        a.ticks = sizes.map(function (v) { return { value: v }; });
      }, ticks: { callback: sizeLabel, autoSkip: false, maxRotation: 0 } }, y: y };
    if (y1) {
      y1.position = "right";
      y1.grid = { drawOnChartArea: false };
      scales.y1 = y1;
    }
    make(id, { type: "line", data: { datasets: sets }, options: { scales: scales,
      interaction: { mode: "nearest", intersect: false } } });
  }
  function drawSweep(s) {
    var sizes = s.p95.map(function (p) { return p[0]; });
    var dots = { pointRadius: 3 };
    var right = { pointRadius: 3, yAxisID: "y1" };
    sizeChart("chart-sweep-latency", sizes, [line("p50", s.p50, 2, dots),
      line("p95", s.p95, 0, dots), line("p99", s.p99, 1, dots)], axis("ms", true));
    sizeChart("chart-sweep-memory", sizes, [line("RSS at rest", s.rssMb, 0, dots),
      line("bytes/vector: RSS / vectors", s.rssBytesPerVector, 1, right),
      line("bytes/vector: bulk-load growth", s.loadBytesPerVector, 3,
        { pointRadius: 3, yAxisID: "y1", borderDash: [6, 3] })], axis("MB", false),
      axis("bytes per vector", true));
    sizeChart("chart-sweep-load", sizes, [line("vectors/s acknowledged", s.vectorsPerS, 0, dots),
      line("index catch-up", s.indexS, 1, right)], axis("vectors/s", false),
      axis("seconds", false));
    sizeChart("chart-sweep-recall", sizes, [line("recall", s.recall, 2, dots)],
      axis("recall", false, { min: 0, max: 1 }));
    sizeChart("chart-sweep-qps", sizes, [line("max sustained QPS", s.maxQps, 4, dots)],
      axis("requests/s", false));
  }
  function draw(data) {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    if (data.sweep) drawSweep(data.sweep);
    timeChart("chart-latency", data, [line("p50", data.latency.p50, 2),
      line("p95", data.latency.p95, 0), line("p99", data.latency.p99, 1)], "ms");
    timeChart("chart-rate", data, [line("offered", data.rate.offered, 7, { borderDash: [6, 3] }),
      line("achieved", data.rate.achieved, 0), line("dropped", data.rate.dropped, 1)], "requests/s");
    var errorSets = Object.keys(data.errors).map(function (c, i) {
      return line(c, data.errors[c], i + 1, { fill: true, stepped: true });
    });
    if (errorSets.length) timeChart("chart-errors", data, errorSets, "errors/s",
      { y: { stacked: true, beginAtZero: true, title: { display: true, text: "errors/s" } } });
    if (data.spectrum.length) spectrumChart("chart-spectrum", data.spectrum);
    if (data.operations.length) bars("chart-operations", data.operations, "latency ms");
    if (data.tenants.length) bars("chart-tenants", data.tenants, "latency ms");
    if (data.memory) timeChart("chart-memory", data, [line("target RSS", data.memory.target, 0),
      line("growth slope", data.memory.slope, 1, { borderDash: [6, 3], borderWidth: 2 }),
      line("generator RSS", data.memory.generator, 7)].concat(data.memory.beyondWrites.length
        ? [line("target RSS − vectors written", data.memory.beyondWrites, 3)] : []), "MB", { y: { beginAtZero: false,
        title: { display: true, text: "MB" } } });
    if (data.cpu) timeChart("chart-cpu", data, [line("target", data.cpu.target, 0),
      line("generator", data.cpu.generator, 7)], "% of one core");
    if (data.recall.length) timeChart("chart-recall", data, [line("recall", data.recall, 2,
      { pointRadius: 2 })], "recall", { y: { min: 0, max: 1, title: { display: true,
        text: "recall" } } });
    var tiers = Object.keys(data.tiers);
    if (tiers.length) timeChart("chart-tiers", data, tiers.map(function (t) {
      return line(t, data.tiers[t], 0, { fill: true, borderColor: tierColor(t),
        backgroundColor: tierColor(t) });
    }), "collections", { y: { stacked: true, beginAtZero: true,
      title: { display: true, text: "collections" } } }, true);
    var moves = Object.keys(data.tierRates);
    if (moves.length) timeChart("chart-tier-moves", data, moves.map(function (m) {
      return line(m, data.tierRates[m], 0, moveStyle(m));
    }), "collections moved / s");
    if (data.tierLatency.length) tierLatencyChart("chart-tier-latency", data);
    var STATES = ["closed", "open", "half-open"];
    if (data.breaker.length) timeChart("chart-breaker", data, [line("state", data.breaker, 1,
      { stepped: true })], "state", { y: { min: 0, max: 2, title: { display: true,
        text: "state" }, ticks: { stepSize: 1, callback: function (v) {
          return STATES[v] === undefined ? "" : STATES[v];
        } } } });
    Object.keys(data.otherTargetMetrics).forEach(function (family, i) {
      var series = data.otherTargetMetrics[family];
      timeChart("chart-metric-" + i, data, Object.keys(series).map(function (key, j) {
        return line(key, series[key], j);
      }), family, undefined, true);
    });
  }
  window.akibenchDraw = draw;
  window.akibenchSpectrum = spectrumChart;
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  var el = document.getElementById("chart-data");
  if (el) draw(JSON.parse(el.textContent));
})();
`;
