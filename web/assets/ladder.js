// Targets page: each target's month-end counts, the target line and the forecast.
(function () {
  var dataEl = document.getElementById('targets-data');
  if (!dataEl || typeof echarts === 'undefined') return;
  JSON.parse(dataEl.textContent).forEach(function (t) {
    var el = document.getElementById('chart-' + t.id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    var days = t.days.slice();
    var forecast = t.days.map(function () { return null; });
    if (t.forecast !== null && t.counts.length) {
      forecast[forecast.length - 1] = t.counts[t.counts.length - 1];
      days.push(t.due);
      forecast.push(t.forecast);
    }
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: ['企业数', '预测', '目标'] },
      grid: { left: 60, right: 30, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', name: '家' },
      series: [
        { name: '企业数', type: 'line', data: t.counts, symbolSize: 4 },
        { name: '预测', type: 'line', data: forecast, lineStyle: { type: 'dashed' }, connectNulls: true },
        { name: '目标', type: 'line', data: days.map(function () { return t.target; }), lineStyle: { type: 'dotted' }, symbol: 'none' }
      ]
    });
    el.setAttribute('data-rendered', '1');
    window.addEventListener('resize', function () { chart.resize(); });
  });
})();
