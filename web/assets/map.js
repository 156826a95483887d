// 科技地图: the district's own boundaries drawn offline by ECharts (a `map`
// series for the choropleth by town, `scatter` on `geo` for the points), the
// points from /api/v1/map/points (columnar), grid aggregation when zoomed out,
// side panels that a click on a town filters. No tiles, no internet needed.
(function () {
  'use strict';
  var el = document.getElementById('map');
  if (!el || !window.echarts) return;
  var bureau = el.dataset.bureau === 'true';
  var status = document.getElementById('map-status');
  var chart = echarts.init(el, null, { renderer: 'canvas' });
  var TIER_COLOURS = ['#9e9e9e', '#64b5f6', '#4db6ac', '#81c784', '#1e88e5', '#fb8c00', '#d81b60'];
  var PALETTE = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc', '#8d6e63'];
  var state = { town: el.dataset.town || '', data: null, geo: null, codes: {}, zoom: 1 };
  window.kcMap = { chart: chart, state: state };

  function $(id) { return document.getElementById(id); }
  function layersChecked() {
    return Array.prototype.slice.call(document.querySelectorAll('input[name=layer]:checked')).map(function (x) { return x.value; });
  }
  function fmt(v) {
    if (v == null) return '—';
    var d = state.data.divisor || 1;
    return (v / d).toLocaleString('zh-CN', { maximumFractionDigits: 2 });
  }

  function load() {
    var m = $('map-measure');
    var q = '/api/v1/map/points?layer=' + encodeURIComponent(layersChecked().join(',')) +
      (m && m.value ? '&measure=' + encodeURIComponent(m.value) : '');
    status.textContent = '加载中…';
    return fetch(q, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(function (d) {
      state.data = d;
      render();
    }).catch(function (e) { status.textContent = '数据加载失败：' + e.message; });
  }

  // Indices of the points passing the filters (layers are filtered by the query;
  // the selected town here).
  function selected(withTown) {
    var d = state.data, out = [];
    var t = withTown && state.town ? d.towns.indexOf(state.town) : -2;
    for (var i = 0; i < d.lon.length; i++) {
      if (t !== -2 && d.town[i] !== t) continue;
      out.push(i);
    }
    return out;
  }

  function colourOf(i) {
    var d = state.data;
    if ($('map-colour').value === 'cluster') {
      var c = d.cluster[i];
      return c < 0 ? '#bdbdbd' : PALETTE[c % PALETTE.length];
    }
    if (d.layer[i] !== 0) return '#6d4c41';
    var t = d.tier[i];
    return t < 0 ? '#cfd8dc' : TIER_COLOURS[t % TIER_COLOURS.length];
  }

  function categoryOf(i) {
    var d = state.data;
    if ($('map-colour').value === 'cluster') return d.cluster[i] < 0 ? '未分类' : d.clusters[d.cluster[i]];
    if (d.layer[i] !== 0) return d.layers[d.layer[i]].name;
    return d.tier[i] < 0 ? '无资质' : d.tiers[d.tier[i]].name;
  }

  function sizeScale(idx) {
    var d = state.data;
    if (!d.value) return function () { return 5; };
    var max = 0;
    idx.forEach(function (i) { var v = d.value[i]; if (v != null && v > max) max = v; });
    return function (i) {
      var v = d.value[i];
      if (v == null || max <= 0) return 4;
      return 4 + 14 * Math.sqrt(Math.max(v, 0) / max);
    };
  }

  function clustered(n) {
    var box = $('map-cluster');
    return (box && box.checked) || (n > 3000 && state.zoom < 2.5);
  }

  function scatterSeries(idx) {
    var d = state.data;
    if (clustered(idx.length)) {
      var cell = 0.03 / state.zoom, grid = {};
      idx.forEach(function (i) {
        var x = d.lon[i] / 1e6, y = d.lat[i] / 1e6;
        var k = Math.floor(x / cell) + ':' + Math.floor(y / cell);
        var g = grid[k] || (grid[k] = { x: 0, y: 0, n: 0 });
        g.x += x; g.y += y; g.n += 1;
      });
      var pts = Object.keys(grid).map(function (k) {
        var g = grid[k];
        return { name: g.n + ' 家', value: [g.x / g.n, g.y / g.n, g.n] };
      });
      return [{
        id: 'clusters', name: '聚合', type: 'scatter', coordinateSystem: 'geo', geoIndex: 0, data: pts,
        symbolSize: function (v) { return 8 + 4 * Math.sqrt(v[2]); },
        itemStyle: { color: 'rgba(25,118,210,0.75)', borderColor: '#fff' },
        label: { show: true, formatter: function (p) { return p.value[2]; }, color: '#fff', fontSize: 10 },
        tooltip: { formatter: function (p) { return p.value[2] + ' 家机构（放大查看）'; } }
      }];
    }
    var size = sizeScale(idx), groups = {};
    idx.forEach(function (i) {
      var c = categoryOf(i);
      (groups[c] || (groups[c] = [])).push({ value: [d.lon[i] / 1e6, d.lat[i] / 1e6, size(i), i], itemStyle: { color: colourOf(i) } });
    });
    return Object.keys(groups).map(function (c) {
      return {
        id: 'pts:' + c, name: c, type: 'scatter', coordinateSystem: 'geo', geoIndex: 0, data: groups[c],
        large: groups[c].length > 2000, symbolSize: function (v) { return v[2]; },
        itemStyle: { color: groups[c][0].itemStyle.color, opacity: 0.85 },
        tooltip: {
          formatter: function (p) {
            var i = p.value[3], v = d.value ? '<br>' + d.measure.name + '：' + fmt(d.value[i]) + ' ' + (d.unit || '') : '';
            return d.name[i] + '<br>' + (d.town[i] >= 0 ? d.towns[d.town[i]] : '') + ' · ' + categoryOf(i) + v;
          }
        }
      };
    });
  }

  function choropleth() {
    var d = state.data, how = $('map-choropleth').value, by = {};
    var ht = d.tiers.findIndex(function (t) { return t.code === 'high_tech'; });
    for (var i = 0; i < d.lon.length; i++) {
      var t = d.town[i];
      if (t < 0) continue;
      var name = d.towns[t], add = 0;
      if (how === 'count') add = 1;
      else if (how === 'hightech') add = d.layer[i] === 0 && ht >= 0 && d.tier[i] >= ht ? 1 : 0;
      else if (how === 'sum' && d.value) add = (d.value[i] || 0) / (d.divisor || 1);
      by[name] = (by[name] || 0) + add;
    }
    var names = state.geo.features.map(function (f) { return f.properties.name; });
    return names.map(function (n) { return { name: n, value: Math.round((by[n] || 0) * 100) / 100, selected: n === state.town }; });
  }

  function render() {
    if (!state.data || !state.geo) return;
    var d = state.data;
    var all = selected(false);
    var regions = choropleth();
    var max = regions.reduce(function (m, r) { return Math.max(m, r.value); }, 0);
    chart.setOption({
      tooltip: { trigger: 'item' },
      legend: { type: 'scroll', bottom: 0 },
      visualMap: { seriesIndex: 0, min: 0, max: max || 1, left: 'left', top: 'bottom', calculable: true, text: ['高', '低'], inRange: { color: ['#eef5fb', '#1565c0'] } },
      geo: { map: 'district', roam: true, selectedMode: false, itemStyle: { borderColor: '#607d8b' }, label: { show: false }, emphasis: { label: { show: true } } },
      series: [{ id: 'towns', name: '镇街', type: 'map', geoIndex: 0, data: regions }].concat(scatterSeries(all))
    }, { replaceMerge: ['series'] });
    status.textContent = '共 ' + all.length + ' 个点' + (d.public ? '（公开图层）' : '') + (d.period ? '；指标期间 ' + d.period.name : '');
    panels();
  }

  function panels() {
    var d = state.data, idx = selected(true);
    $('sel-title').textContent = state.town || '全区';
    var link = $('sel-dashboard');
    if (link) {
      var code = state.codes[state.town];
      link.hidden = !state.town;
      link.href = '/dashboard' + (code ? '?town=' + encodeURIComponent(code) : '');
    }
    var kinds = d.layers.map(function () { return 0; }), tiers = d.tiers.map(function () { return 0; });
    var sum = 0, filed = 0;
    idx.forEach(function (i) {
      kinds[d.layer[i]] += 1;
      if (d.layer[i] === 0 && d.tier[i] >= 0) tiers[d.tier[i]] += 1;
      if (d.value && d.value[i] != null) { sum += d.value[i]; filed += 1; }
    });
    $('panel-kinds').tBodies[0].innerHTML = d.layers.map(function (l, k) {
      return '<tr><td>' + l.name + '</td><td class="num">' + kinds[k] + '</td></tr>';
    }).join('');
    $('panel-tiers').tBodies[0].innerHTML = d.tiers.map(function (t, k) {
      return '<tr><td>' + t.name + '</td><td class="num">' + tiers[k] + '</td></tr>';
    }).join('');
    var top = idx.filter(function (i) { return d.layer[i] === 0; });
    if (d.value) {
      top = top.filter(function (i) { return d.value[i] != null; }).sort(function (a, b) { return d.value[b] - d.value[a]; });
      $('top-title').textContent = '重点企业（按' + d.measure.name + '）';
    } else {
      top.sort(function (a, b) { return d.tier[b] - d.tier[a] || (d.name[a] < d.name[b] ? -1 : 1); });
      $('top-title').textContent = '重点企业（按梯度）';
    }
    $('panel-top').innerHTML = top.slice(0, 10).map(function (i) {
      var li = document.createElement('li'), a = document.createElement('a');
      a.href = '/enterprises/' + d.orgs[d.org[i]];
      a.textContent = d.name[i];
      li.appendChild(a);
      if (d.value) li.appendChild(document.createTextNode(' ' + fmt(d.value[i]) + ' ' + (d.unit || '')));
      return li.outerHTML;
    }).join('');
    var sums = $('panel-sums');
    if (sums) {
      sums.tBodies[0].innerHTML = d.measure
        ? '<tr><td>' + d.measure.name + '合计</td><td class="num">' + fmt(sum) + ' ' + (d.unit || '') + '</td></tr>' +
          '<tr><td>有填报的企业</td><td class="num">' + filed + '</td></tr>' +
          '<tr><td>平均</td><td class="num">' + (filed ? fmt(sum / filed) : '—') + ' ' + (d.unit || '') + '</td></tr>'
        : '<tr><td colspan="2" class="muted">选择指标后显示合计</td></tr>';
    }
  }

  function selectTown(name) {
    state.town = state.town === name ? '' : name;
    render();
  }
  window.kcMap.selectTown = selectTown;

  chart.on('click', function (p) {
    if (p.seriesType === 'map' || p.componentType === 'geo') { selectTown(p.name); return; }
    if (p.seriesType === 'scatter' && p.value && p.value.length > 3) {
      var d = state.data;
      window.location.href = '/enterprises/' + d.orgs[d.org[p.value[3]]];
    }
  });
  chart.on('georoam', function () {
    var g = chart.getOption().geo;
    var z = g && g[0] && g[0].zoom ? g[0].zoom : 1;
    if (Math.abs(z - state.zoom) > 0.01) {
      var before = clustered(state.data ? state.data.lon.length : 0);
      state.zoom = z;
      if (state.data && (before !== clustered(state.data.lon.length) || before)) render();
    }
  });
  $('sel-clear').addEventListener('click', function () { state.town = ''; render(); });
  document.querySelectorAll('input[name=layer]').forEach(function (x) { x.addEventListener('change', load); });
  ['map-colour', 'map-choropleth', 'map-cluster'].forEach(function (id) { var x = $(id); if (x) x.addEventListener('change', render); });
  var m = $('map-measure');
  if (m) m.addEventListener('change', load);
  window.addEventListener('resize', function () { chart.resize(); });

  fetch('/api/v1/map/geography').then(function (r) {
    if (r.status === 404) { status.textContent = '尚未上传区县边界：请局端管理员在本页下方上传。'; return null; }
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return r.json();
  }).then(function (g) {
    if (!g) return;
    var towns = { type: 'FeatureCollection', features: g.features.filter(function (f) { return f.properties.level === 'town'; }) };
    towns.features.forEach(function (f) { state.codes[f.properties.name] = f.properties.code; });
    echarts.registerMap('district', towns);
    state.geo = towns;
    return load();
  }).catch(function (e) { status.textContent = '边界加载失败：' + e.message; });

  var up = $('geo-upload');
  if (up) up.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = up.elements.file.files[0], out = $('geo-upload-result');
    if (!f) return;
    out.textContent = '上传中…';
    fetch('/api/v1/map/geography?datum=' + encodeURIComponent(up.elements.datum.value) + '&name=' + encodeURIComponent(f.name), {
      method: 'POST', credentials: 'same-origin', body: f,
      headers: { 'Content-Type': 'application/geo+json', 'X-CSRF-Token': el.dataset.csrf }
    }).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, b: b }; }); }).then(function (x) {
      if (x.ok) {
        out.textContent = '已保存为第 ' + x.b.version.version + ' 版：' + x.b.district + '，' + x.b.towns.length + ' 个镇街' +
          (x.b.registry_towns_missing.length ? '；机构库中以下镇街不在边界中：' + x.b.registry_towns_missing.join('、') : '') + '。刷新页面查看。';
      } else {
        var ul = document.createElement('ul');
        (x.b.fields || []).forEach(function (e) { var li = document.createElement('li'); li.textContent = e.message; ul.appendChild(li); });
        out.textContent = x.b.message || '上传失败';
        out.appendChild(ul);
      }
    }).catch(function (e) { out.textContent = '上传失败：' + e.message; });
  });
})();
