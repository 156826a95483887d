// The indicator wall: draws each panel's chart with ECharts from its data-chart
// JSON ({title, kind, labels, series: [[name, values]]}). The same data is in the
// panel's "查看数据" table, which works without scripts.
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  var charts = [];
  document.querySelectorAll(".echart[data-chart]").forEach(function (el) {
    var c;
    try { c = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: c.series.length > 1 ? { bottom: 0 } : undefined,
      grid: { left: 56, right: 12, top: 16, bottom: c.series.length > 1 ? 56 : 36, containLabel: true },
      xAxis: { type: "category", data: c.labels, axisLabel: { interval: 0, rotate: c.labels.length > 4 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: c.series.map(function (s) {
        return { name: s[0], type: c.kind === "line" ? "line" : "bar", data: s[1] };
      })
    });
    // The town / cluster breakdowns: a click on a bar filters the whole wall.
    var key = el.getAttribute("data-filter-key");
    if (key) {
      var base = el.getAttribute("data-filter-base") || "/dashboard?";
      chart.on("click", function (p) {
        if (!p.name || p.name.charAt(0) === "（") return;
        window.location.href = base + key + "=" + encodeURIComponent(p.name);
      });
      el.style.cursor = "pointer";
    }
    el.setAttribute("data-rendered", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
