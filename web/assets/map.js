// 科技地图: the district's own boundaries drawn offline by ECharts (a `map`
// series for the choropleth by town, `scatter` on `geo` for the points), the
// points from /api/v1/map/points (columnar), grid aggregation when zoomed out,
// side panels that a click on a town filters. No tiles, no internet needed.
// When the deployment configures a tile service (#map-tiles), a switch offers
// 在线瓦片: Leaflet draws the tiles, the towns (choropleth) and the points
// (grid clusters when zoomed out), with points and boundaries requested in the
// tiles' datum.
(function () {
  'use strict';
  var el = document.getElementById('map');
  if (!el || !window.echarts) return;
  var bureau = el.dataset.bureau === 'true';
  var status = document.getElementById('map-status');
  var chart = echarts.init(el, null, { renderer: 'canvas' });
  var TIER_COLOURS = ['#9e9e9e', '#64b5f6', '#4db6ac', '#81c784', '#1e88e5', '#fb8c00', '#d81b60'];
  var PALETTE = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc', '#8d6e63'];
  var state = { town: el.dataset.town || '', data: null, geo: null, codes: {}, zoom: 1, mode: 'offline', datum: 'wgs84' };
  var tilesEl = document.getElementById('map-tiles');
  var tiles = tilesEl && window.L ? JSON.parse(tilesEl.dataset.tiles) : null;
  var lf = null;
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
    var datum = wantedDatum();
    var q = '/api/v1/map/points?layer=' + encodeURIComponent(layersChecked().join(',')) +
      (m && m.value ? '&measure=' + encodeURIComponent(m.value) : '') +
      (datum !== 'wgs84' ? '&datum=' + datum : '');
    status.textContent = '加载中…';
    return fetch(q, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(function (d) {
      state.data = d;
      state.datum = d.datum || datum;
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
        tooltip: { formatter: function (p) { return tooltipOf(p.value[3]); } }
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

  // The datum the points must be in: the tiles' in tile mode, WGS-84 offline
  // (the boundaries ECharts draws are WGS-84).
  function wantedDatum() {
    return state.mode === 'tiles' && tiles && tiles.datum === 'gcj02' ? 'gcj02' : 'wgs84';
  }

  function render() {
    if (!state.data) return;
    if (state.mode === 'tiles') { renderTiles(); return; }
    if (!state.geo) return;
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
    statusLine(all.length);
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

  function statusLine(n) {
    var d = state.data;
    status.textContent = '共 ' + n + ' 个点' + (d.public ? '（公开图层）' : '') + (d.period ? '；指标期间 ' + d.period.name : '') +
      (state.mode === 'tiles' ? '；在线瓦片（' + (state.datum === 'gcj02' ? 'GCJ-02' : 'WGS-84') + '）' : '');
  }

  function tooltipOf(i) {
    var d = state.data, v = d.value ? '<br>' + d.measure.name + '：' + fmt(d.value[i]) + ' ' + (d.unit || '') : '';
    var div = document.createElement('div');
    div.textContent = d.name[i];
    return div.innerHTML + '<br>' + (d.town[i] >= 0 ? d.towns[d.town[i]] : '') + ' · ' + categoryOf(i) + v;
  }

  // ---- Tile mode (Leaflet) ----
  function mix(a, b, t) {
    var pa = parseInt(a.slice(1), 16), pb = parseInt(b.slice(1), 16), out = 0;
    for (var s = 16; s >= 0; s -= 8) {
      var x = (pa >> s) & 255, y = (pb >> s) & 255;
      out = (out << 8) | Math.round(x + (y - x) * t);
    }
    return '#' + (out | 0x1000000).toString(16).slice(1);
  }

  function initLeaflet() {
    if (lf) return Promise.resolve();
    var map = L.map(tilesEl, { maxZoom: tiles.maxZoom });
    var opts = { attribution: tiles.attribution, maxZoom: tiles.maxZoom };
    if (tiles.subdomains) opts.subdomains = tiles.subdomains;
    L.tileLayer(tiles.url, opts).addTo(map);
    lf = { map: map, towns: null, points: L.layerGroup(), values: {}, max: 0, fitted: false, clustered: false };
    window.kcMap.leaflet = lf;
    var q = '/api/v1/map/geography' + (tiles.datum === 'gcj02' ? '?datum=gcj02' : '');
    return fetch(q).then(function (r) {
      if (r.status === 404) return null;
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(function (g) {
      if (g) {
        var towns = g.features.filter(function (f) { return f.properties.level === 'town'; });
        lf.towns = L.geoJSON({ type: 'FeatureCollection', features: towns }, {
          style: townStyle,
          onEachFeature: function (f, layer) {
            layer.bindTooltip(f.properties.name, { sticky: true });
            layer.on('click', function () { selectTown(f.properties.name); });
          }
        }).addTo(map);
        var b = lf.towns.getBounds();
        if (b.isValid()) { map.fitBounds(b); lf.fitted = true; }
      }
      lf.points.addTo(map);
      map.on('moveend', drawPoints);
    });
  }

  function townStyle(f) {
    var name = f.properties.name, v = lf.values[name] || 0, sel = name === state.town;
    return {
      className: 'kc-town', color: sel ? '#d81b60' : '#607d8b', weight: sel ? 3 : 1,
      fillColor: mix('#eef5fb', '#1565c0', lf.max > 0 ? v / lf.max : 0), fillOpacity: 0.45
    };
  }

  function renderTiles() {
    if (!lf) return;
    var d = state.data;
    lf.values = {};
    lf.max = 0;
    if (state.geo) {
      choropleth().forEach(function (r) { lf.values[r.name] = r.value; lf.max = Math.max(lf.max, r.value); });
    }
    if (lf.towns) lf.towns.setStyle(townStyle);
    if (!lf.fitted && d.lat.length) {
      var b = L.latLngBounds([]);
      for (var i = 0; i < d.lat.length; i++) b.extend([d.lat[i] / 1e6, d.lon[i] / 1e6]);
      lf.map.fitBounds(b);
      lf.fitted = true;
    }
    drawPoints();
    statusLine(selected(false).length);
    panels();
  }

  // Points in view (with a margin): single circles when few, else grid clusters of
  // 60 px that zoom in on a click.
  function drawPoints() {
    if (!lf || !state.data || state.mode !== 'tiles' || !lf.fitted) return;
    var d = state.data, map = lf.map, b = map.getBounds().pad(0.25), idx = [];
    selected(false).forEach(function (i) {
      if (b.contains([d.lat[i] / 1e6, d.lon[i] / 1e6])) idx.push(i);
    });
    lf.points.clearLayers();
    var box = $('map-cluster');
    lf.clustered = (box && box.checked) || idx.length > 1500 || (map.getZoom() < 13 && idx.length > 300);
    if (lf.clustered) {
      var cell = 60, grid = {};
      idx.forEach(function (i) {
        var lat = d.lat[i] / 1e6, lon = d.lon[i] / 1e6, p = map.latLngToLayerPoint([lat, lon]);
        var k = Math.floor(p.x / cell) + ':' + Math.floor(p.y / cell);
        var g = grid[k] || (grid[k] = { lat: 0, lon: 0, n: 0 });
        g.lat += lat; g.lon += lon; g.n += 1;
      });
      Object.keys(grid).forEach(function (k) {
        var g = grid[k], r = Math.min(30, 10 + 3 * Math.sqrt(g.n)), at = [g.lat / g.n, g.lon / g.n];
        var icon = L.divIcon({
          className: 'kc-cluster', iconSize: [2 * r, 2 * r],
          html: '<span style="display:flex;align-items:center;justify-content:center;width:100%;height:100%;border-radius:50%;' +
            'background:rgba(25,118,210,0.8);border:1px solid #fff;color:#fff;font-size:11px">' + g.n + '</span>'
        });
        var m = L.marker(at, { icon: icon, title: g.n + ' 家机构（点击放大）' });
        m.on('click', function () { map.setView(at, Math.min(map.getZoom() + 2, tiles.maxZoom)); });
        lf.points.addLayer(m);
      });
      return;
    }
    var size = sizeScale(idx);
    idx.forEach(function (i) {
      var m = L.circleMarker([d.lat[i] / 1e6, d.lon[i] / 1e6], {
        className: 'kc-point', radius: size(i) / 2 + 1, color: '#fff', weight: 1,
        fillColor: colourOf(i), fillOpacity: 0.9
      });
      m.bindTooltip(tooltipOf(i));
      m.on('click', function () { window.location.href = '/enterprises/' + d.orgs[d.org[i]]; });
      m.kcIndex = i;
      lf.points.addLayer(m);
    });
  }

  function setMode(mode) {
    if (!tiles || mode === state.mode) return;
    state.mode = mode;
    tilesEl.hidden = mode !== 'tiles';
    el.hidden = mode === 'tiles';
    var ready = mode === 'tiles' ? initLeaflet().then(function () { lf.map.invalidateSize(); }) : Promise.resolve(chart.resize());
    ready.then(function () {
      if (!state.data || state.datum !== wantedDatum()) return load();
      render();
    }).catch(function (e) { status.textContent = '瓦片模式加载失败：' + e.message; });
  }
  window.kcMap.setMode = setMode;

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
  document.querySelectorAll('input[name=map-mode]').forEach(function (x) {
    x.addEventListener('change', function () { if (x.checked) setMode(x.value); });
  });
  var m = $('map-measure');
  if (m) m.addEventListener('change', load);
  window.addEventListener('resize', function () { chart.resize(); if (lf) lf.map.invalidateSize(); });

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
