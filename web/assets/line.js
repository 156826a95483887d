// Assembly line pages: analytics charts (ECharts) and the live view (server-sent events).
(function () {
  function init(id) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === 'undefined') return null;
    var c = echarts.init(el, null, { renderer: 'canvas' });
    window.addEventListener('resize', function () { c.resize(); });
    return { el: el, chart: c };
  }
  function done(x) { x.el.setAttribute('data-rendered', '1'); }

  var dataEl = document.getElementById('line-analytics-data');
  if (dataEl) {
    var a = JSON.parse(dataEl.textContent);
    var names = a.stations.map(function (s) { return s.position + '. ' + s.name; });
    var fpy = init('chart-fpy');
    if (fpy) {
      fpy.chart.setOption({
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { top: 0, data: ['工位一次合格率', '整线一次合格率'] },
        grid: { left: 60, right: 30, top: 40, bottom: 60 },
        xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: 20 } },
        yAxis: { type: 'value', name: '%', min: function (v) { return Math.max(0, Math.floor(v.min - 5)); }, max: 100 },
        series: [
          { name: '工位一次合格率', type: 'bar', data: a.stations.map(function (s) { return s.fpy_pct; }) },
          { name: '整线一次合格率', type: 'line', symbol: 'none', lineStyle: { type: 'dashed' },
            data: a.stations.map(function () { return a.line_fpy_pct; }) }
        ]
      });
      done(fpy);
    }
    var hourly = init('chart-hourly');
    if (hourly) {
      hourly.chart.setOption({
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { top: 0, data: ['下线', '一次合格率'] },
        grid: { left: 60, right: 60, top: 40, bottom: 40 },
        xAxis: { type: 'category', data: a.hourly.map(function (h) { return h.label; }) },
        yAxis: [{ type: 'value', name: '台' }, { type: 'value', name: '%', max: 100 }],
        series: [
          { name: '下线', type: 'bar', data: a.hourly.map(function (h) { return h.vehicles; }) },
          { name: '一次合格率', type: 'line', yAxisIndex: 1, data: a.hourly.map(function (h) { return h.fpy_pct; }) }
        ]
      });
      done(hourly);
    }
    var cycle = init('chart-cycle');
    if (cycle) {
      cycle.chart.setOption({
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { top: 0, data: ['平均', 'P50', 'P90', '最大'] },
        grid: { left: 60, right: 30, top: 40, bottom: 60 },
        xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: 20 } },
        yAxis: { type: 'value', name: '秒' },
        series: [
          { name: '平均', type: 'bar', data: a.stations.map(function (s) { return s.mean_s; }) },
          { name: 'P50', type: 'line', data: a.stations.map(function (s) { return s.p50_s; }) },
          { name: 'P90', type: 'line', data: a.stations.map(function (s) { return s.p90_s; }) },
          { name: '最大', type: 'scatter', data: a.stations.map(function (s) { return s.max_s; }) }
        ]
      });
      done(cycle);
    }
    if (a.spc) {
      var c = a.spc;
      var flat = function (v) { return c.xbar.map(function () { return v; }); };
      var xb = init('chart-xbar');
      if (xb) {
        xb.chart.setOption({
          animation: false, tooltip: { trigger: 'axis' },
          legend: { top: 0, data: ['X̄', 'UCL', 'X̿', 'LCL'] },
          grid: { left: 70, right: 30, top: 40, bottom: 30 },
          xAxis: { type: 'category', data: c.labels },
          yAxis: { type: 'value', name: 'N·m', scale: true },
          series: [
            { name: 'X̄', type: 'line', data: c.xbar, symbolSize: 4 },
            { name: 'UCL', type: 'line', data: flat(c.ucl), symbol: 'none', lineStyle: { type: 'dashed', color: '#c00' } },
            { name: 'X̿', type: 'line', data: flat(c.center), symbol: 'none', lineStyle: { color: '#080' } },
            { name: 'LCL', type: 'line', data: flat(c.lcl), symbol: 'none', lineStyle: { type: 'dashed', color: '#c00' } }
          ]
        });
        done(xb);
      }
      var r = init('chart-r');
      if (r) {
        r.chart.setOption({
          animation: false, tooltip: { trigger: 'axis' },
          legend: { top: 0, data: ['R', 'UCL', 'R̄'] },
          grid: { left: 70, right: 30, top: 40, bottom: 30 },
          xAxis: { type: 'category', data: c.labels },
          yAxis: { type: 'value', name: 'N·m' },
          series: [
            { name: 'R', type: 'line', data: c.r, symbolSize: 4 },
            { name: 'UCL', type: 'line', data: flat(c.r_ucl), symbol: 'none', lineStyle: { type: 'dashed', color: '#c00' } },
            { name: 'R̄', type: 'line', data: flat(c.r_bar), symbol: 'none', lineStyle: { color: '#080' } }
          ]
        });
        done(r);
      }
    }
  }

  if (window.LINE_LIVE && window.EventSource) {
    var state = document.getElementById('live-state');
    var es = new EventSource(window.LINE_LIVE);
    es.onopen = function () { if (state) state.textContent = '已连接'; };
    es.onerror = function () { if (state) state.textContent = '连接中断，正在重连…'; };
    es.addEventListener('snapshot', function (e) {
      var snap = JSON.parse(e.data);
      var tbody = document.querySelector('#live-stations tbody');
      if (tbody) {
        tbody.innerHTML = '';
        snap.stations.forEach(function (s) {
          var tr = document.createElement('tr');
          tr.setAttribute('data-station', s.code);
          var status = s.andon ? '安灯' : (s.nok ? 'NOK' : (s.vin ? 'OK' : '—'));
          var cls = s.andon || s.nok ? 'status returned' : (s.vin ? 'status approved' : 'status');
          [s.name, s.vin || '空闲', s.since || '', s.ok_bolts + '/' + s.required].forEach(function (t) {
            var td = document.createElement('td'); td.textContent = t; tr.appendChild(td);
          });
          var td = document.createElement('td'); var sp = document.createElement('span');
          sp.className = cls; sp.textContent = status; td.appendChild(sp); tr.appendChild(td);
          tbody.appendChild(tr);
        });
      }
      var ev = document.querySelector('#live-events tbody');
      if (ev) {
        ev.innerHTML = '';
        snap.events.forEach(function (x) {
          var tr = document.createElement('tr');
          x.forEach(function (t) { var td = document.createElement('td'); td.textContent = t; tr.appendChild(td); });
          ev.appendChild(tr);
        });
      }
      if (state) state.textContent = '已连接 · ' + new Date().toLocaleTimeString('zh-CN');
    });
  }
})();
