// Trend charts (动态运行图) with the vendored Apache ECharts. No inline script: every chart is a
// <div data-chart="ID"> whose data sits in a json_script element with that ID:
//   {kind: "line"|"bar", x: [labels], series: [{name, data: [numbers or null]}],
//    y_name, inverse (ranks: 1 at the top), y_min, y_max}
// The table beside each chart carries the same figures (accessible and printable).
(function () {
  if (typeof echarts === "undefined") return;
  // the mean line's label in the page's language (the chart data carry no words of their own)
  const MEAN = (document.documentElement.lang || "").indexOf("en") === 0 ? "Average" : "平均";
  const palette = ["#c0392b", "#2c6fbb", "#27ae60", "#e67e22", "#8e44ad", "#16a085", "#7f8c8d", "#d35400"];
  const charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    const source = document.getElementById(el.dataset.chart);
    if (!source) return;
    let spec;
    try { spec = JSON.parse(source.textContent); } catch (e) { return; }
    const chart = echarts.init(el, null, { renderer: "svg" });
    const many = spec.series.length > 1;
    // a phone: no value over each point, and slanted category names, so that the labels stay readable
    const narrow = el.clientWidth < 480;
    const option = {
      color: palette,
      animation: false,
      tooltip: { trigger: spec.kind === "bar" ? "axis" : "axis", valueFormatter: function (v) {
        return v === null || v === undefined ? "—" : (spec.inverse ? String(v) : Number(v).toFixed(2)); } },
      legend: many ? { top: 0, type: "scroll" } : undefined,
      grid: { left: 48, right: spec.series.some(function (s) { return s.mean !== undefined; }) ? 64 : 20, top: many ? 36 : 16, bottom: spec.rotate || narrow ? 80 : 32, containLabel: false },
      xAxis: { type: "category", data: spec.x, axisLabel: { rotate: spec.rotate || (narrow && spec.x.length > 6 ? 45 : 0), interval: spec.interval === undefined ? "auto" : spec.interval } },
      // ranks: 1 at the top, whole numbers; bars start at 0; lines zoom to their figures' range
      yAxis: { type: "value", name: spec.y_name || "", inverse: !!spec.inverse, minInterval: spec.inverse ? 1 : undefined,
               min: spec.y_min !== undefined ? spec.y_min : (spec.inverse ? 1 : undefined),
               max: spec.y_max, scale: !spec.inverse && spec.kind !== "bar" },
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.kind || "line", data: s.data, connectNulls: false,
                 showSymbol: spec.x.length <= 60, smooth: false, step: s.step || false,
                 label: { show: spec.labels === true && !narrow, position: "top" },
                 markLine: s.mean === undefined ? undefined : { symbol: "none", data: [{ yAxis: s.mean, name: MEAN }],
                   label: { formatter: MEAN + " {c}" }, lineStyle: { type: "dashed", color: "#888" } } };
      })
    };
    chart.setOption(option);
    el.setAttribute("data-chart-ready", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
