// The script report.html runs: read the embedded chart specs (JSON in a non-executed <script>
// element) and draw each with the inlined uPlot. Kept as plain ES2017 in a string so the page needs
// no build step. For the browser test it exposes window.__abPlots ({id, plot} per uPlot instance)
// and sets window.__abReady when every chart is drawn.

/** Source of the page script; expects `uPlot` global and a #abreport-data JSON element holding
 *  { charts: ChartSpec[] }. */
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('abreport-data').textContent);
  var plots = [];
  window.__abPlots = plots;
  data.charts.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) throw new Error('no container for chart ' + spec.id);
    var width = Math.max(300, Math.floor(el.clientWidth || 420));
    var series = [{ label: spec.xLabel }];
    spec.series.forEach(function (s) {
      var o = { label: s.label, stroke: s.color, width: 1.5, spanGaps: false };
      if (s.dash) o.dash = s.dash;
      if (spec.kind === 'step') {
        o.paths = uPlot.paths.stepped({ align: 1 });
        o.fill = s.color + '30';
        o.points = { show: false };
      } else if (spec.kind === 'points') {
        o.points = { show: true, size: 7, fill: s.color };
      } else {
        o.points = { show: false };
      }
      series.push(o);
    });
    var xAxis = { label: spec.xLabel, size: 40 };
    var xScale = { time: false };
    if (spec.kind === 'points') {
      // Repetitions are whole numbers: integer ticks, and a margin so end points are not clipped.
      xAxis.incrs = [1, 2, 5, 10, 20, 50, 100];
      xScale.range = function (u, min, max) { return [min - 0.25, max + 0.25]; };
    }
    var opts = {
      width: width,
      height: 230,
      scales: { x: xScale },
      axes: [xAxis, { label: spec.yLabel, size: 60 }],
      series: series,
      legend: { live: false },
      cursor: { drag: { x: true, y: false } },
    };
    var plot = new uPlot(opts, [spec.x].concat(spec.series.map(function (s) { return s.data; })), el);
    plots.push({ id: spec.id, plot: plot });
  });
  window.__abReady = true;
})();`;
