// Profile page: draws the selected indicator's approved values over time with
// ECharts, plus its year-on-year change. Data comes embedded in the page.
(function () {
  var el = document.getElementById('trend-chart');
  var dataEl = document.getElementById('trend-data');
  if (!el || !dataEl || typeof echarts === 'undefined') return;
  var data = JSON.parse(dataEl.textContent);
  var chart = echarts.init(el, null, { renderer: 'canvas' });
  var select = document.getElementById('indicator-select');
  function draw(code) {
    var s = data.series[code];
    if (!s) return;
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [s.name + '（' + s.unit + '）', '同比（%）'] },
      grid: { left: 70, right: 60, top: 56, bottom: 32 },
      xAxis: { type: 'category', data: data.periods },
      yAxis: [{ type: 'value', name: s.unit }, { type: 'value', name: '%', splitLine: { show: false } }],
      series: [
        { name: s.name + '（' + s.unit + '）', type: 'line', data: s.values, connectNulls: false, symbolSize: 6 },
        { name: '同比（%）', type: 'bar', yAxisIndex: 1, data: s.yoy, barMaxWidth: 12, itemStyle: { opacity: 0.5 } }
      ]
    }, true);
    el.setAttribute('data-rendered', code);
  }
  draw(select ? select.value : Object.keys(data.series)[0]);
  if (select) select.addEventListener('change', function () { draw(select.value); });
  window.addEventListener('resize', function () { chart.resize(); });
})();
