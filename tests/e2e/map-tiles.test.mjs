// Browser test of the 科技地图's tile mode: the server runs with a kechuang.toml
// whose [map.tiles] points at a tiny tile server started here (it serves one PNG
// and records every request), the page switches to 在线瓦片, and Leaflet must
// request tiles by z/x/y, draw the towns and the points (in GCJ-02, as the
// configured tiles are), filter on a town click and open a profile on a point
// click.
//
// Environment: KECHUANG_BIN (default ../../target/debug/kechuang), CHROMIUM
// (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifacts, startDistrict } from './harness.mjs';

// A 1×1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let d, tileServer, confDir;
const tileRequests = [];

before(async () => {
  tileServer = http.createServer((req, res) => {
    tileRequests.push(req.url);
    res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
    res.end(PNG);
  });
  await new Promise((res) => tileServer.listen(0, '127.0.0.1', res));
  const port = tileServer.address().port;
  confDir = mkdtempSync(join(tmpdir(), 'kechuang-map-tiles-conf-'));
  const conf = join(confDir, 'kechuang.toml');
  writeFileSync(conf, [
    '[map]',
    'datum = "wgs84"',
    '[map.tiles]',
    `url = "http://127.0.0.1:${port}/tiles/{z}/{x}/{y}.png"`,
    'attribution = "测试瓦片服务"',
    'max_zoom = 18',
    'datum = "gcj02"',
    '',
  ].join('\n'));
  // The CLI reads KECHUANG_CONFIG; the demo build and the server inherit it.
  process.env.KECHUANG_CONFIG = conf;
  d = await startDistrict('kechuang-map-tiles-e2e-');
});

after(async () => {
  if (d) await d.close();
  if (tileServer) tileServer.close();
  if (confDir) rmSync(confDir, { recursive: true, force: true });
});

test('tile mode draws tiles, towns and points in GCJ-02; town and point clicks work', async () => {
  const { context, page } = await d.login('admin', 'Admin@2023', { viewport: { width: 1366, height: 900 } });
  const pointRequests = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/map/points')) pointRequests.push(r.url()); });
  await page.goto(d.base + '/map');
  // Offline first: ECharts draws, nothing asked of the tile server.
  await page.waitForFunction(() => window.kcMap && window.kcMap.state.data && window.kcMap.state.geo, null, { timeout: 60000 });
  assert.equal(tileRequests.length, 0, 'no tiles in the offline mode');
  assert.ok(await page.locator('#map-mode').isVisible(), 'the switch is offered');
  assert.ok(await page.locator('#map-tiles').isHidden());
  const wgs = await page.evaluate(() => ({ lon: window.kcMap.state.data.lon[0], datum: window.kcMap.state.data.datum, org: window.kcMap.state.data.org[0] }));
  assert.equal(wgs.datum, 'wgs84');

  await page.getByRole('radio', { name: '在线瓦片' }).check();
  await page.waitForFunction(() => {
    const k = window.kcMap;
    return k.leaflet && k.state.data && k.state.data.datum === 'gcj02'
      && document.querySelectorAll('#map-tiles path.kc-town').length > 0;
  }, null, { timeout: 60000 });
  assert.ok(await page.locator('#map').isHidden(), 'the ECharts map is hidden in tile mode');
  assert.ok(pointRequests.some((u) => /[?&]datum=gcj02/.test(u)), pointRequests.join('\n'));
  // Same first row, moved by the datum shift (hundreds of metres).
  const gcj = await page.evaluate(() => ({ lon: window.kcMap.state.data.lon[0], org: window.kcMap.state.data.org[0] }));
  assert.equal(gcj.org, wgs.org);
  assert.ok(Math.abs(gcj.lon - wgs.lon) > 1000, `${wgs.lon} → ${gcj.lon}`);

  // Tiles were asked for by z/x/y.
  await page.waitForFunction(() => document.querySelectorAll('#map-tiles img.leaflet-tile-loaded').length > 0, null, { timeout: 30000 });
  const zxy = tileRequests.map((u) => u.match(/^\/tiles\/(\d+)\/(\d+)\/(\d+)\.png$/)).filter(Boolean);
  assert.ok(zxy.length > 0, tileRequests.join('\n'));
  const z = Number(zxy[0][1]);
  assert.ok(z >= 8 && z <= 18, `zoom ${z}`);
  // At district scale x/y are near Chongqing: x ≈ (106/360 + 0.5)·2^z.
  const x = Number(zxy[0][2]);
  assert.ok(Math.abs(x - Math.floor((106.05 + 180) / 360 * 2 ** z)) <= 3, `x ${x} at z ${z}`);

  // Town polygons: one per town; points drawn (clusters at district scale).
  assert.equal(await page.locator('#map-tiles path.kc-town').count(), 28);
  const drawn = await page.evaluate(() => document.querySelectorAll('#map-tiles .kc-cluster, #map-tiles path.kc-point').length);
  assert.ok(drawn > 0, 'points or clusters drawn');
  assert.ok(await page.locator('.leaflet-control-attribution', { hasText: '测试瓦片服务' }).isVisible());
  await page.screenshot({ path: join(artifacts, 'map-tiles-district.png'), fullPage: true });

  // A click on a town filters the panels as offline.
  const before = Number(await page.locator('#panel-kinds tbody tr').first().locator('td.num').innerText());
  const town = await page.evaluate(() => {
    let name = null;
    window.kcMap.leaflet.towns.eachLayer((l) => { if (!name && l.feature.properties.name === '安居镇') name = l; });
    const el = name.getElement();
    el.setAttribute('data-test', 'town');
    return name.feature.properties.name;
  });
  await page.locator('#map-tiles path[data-test=town]').dispatchEvent('click');
  await page.waitForFunction((t) => document.querySelector('#sel-title').textContent === t, town);
  const after = Number(await page.locator('#panel-kinds tbody tr').first().locator('td.num').innerText());
  assert.ok(after > 0 && after < before, `enterprises ${before} → ${after}`);

  // Zoomed in on one organisation, points are single circles; a click opens its profile.
  const target = await page.evaluate(() => {
    const dd = window.kcMap.state.data;
    const i = dd.layer.findIndex((l) => l === 0);
    window.kcMap.leaflet.map.setView([dd.lat[i] / 1e6, dd.lon[i] / 1e6], 17, { animate: false });
    return dd.orgs[dd.org[i]];
  });
  await page.waitForFunction(() => !window.kcMap.leaflet.clustered && document.querySelectorAll('#map-tiles path.kc-point').length > 0, null, { timeout: 30000 });
  // Click the circle drawn for that organisation (its pixel as Leaflet projects it);
  // firms at the same spot overlap, so the profile is one of those within 6 px.
  const pick = await page.evaluate((id) => {
    const dd = window.kcMap.state.data, map = window.kcMap.leaflet.map;
    const i = dd.orgs.indexOf(id) >= 0 ? dd.org.indexOf(dd.orgs.indexOf(id)) : -1;
    const p = map.latLngToContainerPoint([dd.lat[i] / 1e6, dd.lon[i] / 1e6]);
    const near = [];
    for (let j = 0; j < dd.lat.length; j++) {
      const q = map.latLngToContainerPoint([dd.lat[j] / 1e6, dd.lon[j] / 1e6]);
      if (Math.hypot(q.x - p.x, q.y - p.y) <= 6) near.push(dd.orgs[dd.org[j]]);
    }
    return { x: p.x, y: p.y, near };
  }, target);
  assert.ok(pick.near.includes(target));
  const box = await page.locator('#map-tiles').boundingBox();
  await Promise.all([
    page.waitForURL((u) => u.pathname.startsWith('/enterprises/'), { timeout: 30000 }),
    page.mouse.click(box.x + pick.x, box.y + pick.y),
  ]);
  const opened = new URL(page.url()).pathname.split('/')[2];
  assert.ok(pick.near.includes(opened), `${opened} not among ${pick.near.join(',')}`);
  await page.screenshot({ path: join(artifacts, 'map-tiles-profile.png'), fullPage: true });
  await context.close();
});
