// Browser tests of the 科技地图: the real binary on a fresh demo district, driven
// by Playwright in Debian's Chromium (same set-up as e2e.test.mjs). Saves a
// screenshot under tests/e2e/artifacts/.
//
// Environment: KECHUANG_BIN (default ../../target/debug/kechuang), CHROMIUM
// (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, startDistrict } from './harness.mjs';

let d, browser, base;

before(async () => {
  d = await startDistrict('kechuang-map-e2e-');
  ({ browser, base } = d);
});

after(async () => { if (d) await d.close(); });

const login = (username, password) => d.login(username, password, { viewport: { width: 1366, height: 900 } });

// Waits until the map has drawn its points, then returns what ECharts holds.
async function mapState(page) {
  await page.waitForFunction(() => window.kcMap && window.kcMap.state.data && window.kcMap.chart.getOption()
    && window.kcMap.chart.getOption().series.length > 1, null, { timeout: 60000 });
  return page.evaluate(() => {
    const o = window.kcMap.chart.getOption();
    const d = window.kcMap.state.data;
    return {
      series: o.series.map((s) => ({ type: s.type, n: (s.data || []).length, id: s.id })),
      regions: (o.series.find((s) => s.type === 'map') || { data: [] }).data,
      towns: d.towns,
      points: d.lat.length,
      public: d.public,
      hasValues: Array.isArray(d.value),
    };
  });
}

test('the bureau map draws the points and the choropleth; a town click filters the panels', async () => {
  const { context, page } = await login('admin', 'Admin@2023');
  await page.goto(base + '/map');
  const s = await mapState(page);
  const scatter = s.series.filter((x) => x.type === 'scatter');
  const drawn = scatter.reduce((a, x) => a + x.n, 0);
  assert.ok(drawn > 1000, `points drawn: ${drawn}`);
  assert.equal(drawn, s.points);
  assert.equal(s.regions.length, 28, 'one region per town');
  assert.ok(s.regions.some((r) => r.value > 0), 'the choropleth has values');
  assert.equal(s.public, false);
  assert.ok(s.hasValues, 'bureau staff get indicator values');
  // The canvas is drawn (not blank).
  const inked = await page.evaluate(() => {
    const c = document.querySelector('#map canvas');
    const x = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < x.length; i += 4 * 16) if (x[i] > 0) n++;
    return n;
  });
  assert.ok(inked > 1000, `inked samples ${inked}`);
  await page.screenshot({ path: join(artifacts, 'map-bureau.png'), fullPage: true });

  // Town click (through the chart's own click handler path).
  const before = Number(await page.locator('#panel-kinds tbody tr').first().locator('td.num').innerText());
  await page.evaluate(() => window.kcMap.chart.dispatchAction({ type: 'showTip', seriesIndex: 0, name: '巴川街道' }));
  await page.evaluate(() => window.kcMap.selectTown('巴川街道'));
  assert.equal(await page.locator('#sel-title').innerText(), '巴川街道');
  const after = Number(await page.locator('#panel-kinds tbody tr').first().locator('td.num').innerText());
  assert.ok(after > 0 && after < before, `enterprises ${before} → ${after}`);
  const href = await page.locator('#sel-dashboard').getAttribute('href');
  assert.equal(href, '/dashboard?town=500151001');
  await page.screenshot({ path: join(artifacts, 'map-town.png'), fullPage: true });
  await context.close();
});

test('a click on a town region in the canvas selects it', async () => {
  const { context, page } = await login('admin', 'Admin@2023');
  await page.goto(base + '/map');
  await mapState(page);
  // Click the pixel of a region's centre as ECharts projects it.
  const pt = await page.evaluate(() => {
    const ch = window.kcMap.chart;
    const f = window.kcMap.state.geo.features.find((x) => x.properties.name === '安居镇');
    const ring = f.geometry.coordinates[0][0];
    let x = 0, y = 0;
    ring.forEach((c) => { x += c[0]; y += c[1]; });
    return ch.convertToPixel({ geoIndex: 0 }, [x / ring.length, y / ring.length]);
  });
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + pt[0], box.y + pt[1]);
  await page.waitForFunction(() => document.querySelector('#sel-title').textContent !== '全区');
  const title = await page.locator('#sel-title').innerText();
  assert.notEqual(title, '全区');
  await context.close();
});

test('a town-scoped officer sees only their towns, in the API and on the page', async () => {
  const { context, page } = await login('town', 'Town@2023');
  const api = await page.evaluate(async () => (await fetch('/api/v1/map/points?measure=rd_expense')).json());
  assert.deepEqual([...api.towns].sort(), ['东城街道', '巴川街道'].sort());
  assert.ok(api.lat.length > 10);
  await page.goto(base + '/map');
  const s = await mapState(page);
  assert.deepEqual([...s.towns].sort(), ['东城街道', '巴川街道'].sort());
  const other = s.regions.filter((r) => !['东城街道', '巴川街道'].includes(r.name) && r.value > 0);
  assert.deepEqual(other, [], 'no other town has points');
  // The full admin sees more towns.
  const admin = await login('admin', 'Admin@2023');
  const all = await admin.page.evaluate(async () => (await fetch('/api/v1/map/points')).json());
  assert.ok(all.towns.length > 2 && all.lat.length > api.lat.length);
  await admin.context.close();
  await context.close();
});

test('the public sees the public layer without indicator values', async () => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(base + '/map');
  const s = await mapState(page);
  assert.equal(s.public, true);
  assert.equal(s.hasValues, false);
  const api = await (await fetch(base + '/api/v1/map/points?measure=rd_expense')).json();
  assert.equal(api.value, undefined);
  assert.equal(api.measure, null);
  await page.screenshot({ path: join(artifacts, 'map-public.png'), fullPage: true });
  await context.close();
});
