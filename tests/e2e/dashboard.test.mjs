// Browser tests of the indicator wall and the district report: the real binary on
// a fresh demo district, Debian's Chromium through playwright-core. Screenshots go
// to tests/e2e/artifacts/ (gitignored). Needs pdftotext (poppler-utils).
//
// Environment: KECHUANG_BIN (default ../../target/debug/kechuang), CHROMIUM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, startDistrict } from './harness.mjs';

let d, browser, base, dataDir;

before(async () => {
  d = await startDistrict('kechuang-dash-', { users: [{ username: 'dashadmin', password: 'dash-password', role: 'bureau_admin', displayName: '看板测试' }] });
  ({ browser, base, dataDir } = d);
});

after(async () => { if (d) await d.close(); });

const login = (viewport) => d.login('dashadmin', 'dash-password', { viewport, acceptDownloads: true });

test('the dashboard draws its charts, has data tables, and a town filter changes a panel', async () => {
  const { context, page } = await login({ width: 1366, height: 768 });
  await page.goto(base + '/dashboard');
  await page.waitForSelector('.echart[data-rendered="1"]');
  const charts = await page.locator('.echart[data-rendered="1"] svg').count();
  assert.ok(charts >= 4, `charts drawn: ${charts}`);
  // Every panel has a "view data" table with a caption and a header row.
  const tables = await page.locator('details.view-data table caption').count();
  assert.ok(tables >= 5, `view-data tables: ${tables}`);
  assert.equal(await page.locator('details.view-data summary').first().innerText(), '查看数据');
  await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
  const townPanel = page.locator('section.dash-panel', { hasText: '分镇街分布' }).locator('tbody');
  const allRows = await townPanel.locator('tr').count();
  const towns = await page.locator('fieldset.towns input[name=town]').evaluateAll((els) => els.map((e) => e.value));
  assert.ok(towns.length >= 2, `towns offered: ${towns}`);
  await page.goto(`${base}/dashboard?town=${encodeURIComponent(towns[0])}`);
  await page.waitForSelector('.echart[data-rendered="1"]');
  const filtered = page.locator('section.dash-panel', { hasText: '分镇街分布' }).locator('tbody tr');
  assert.ok((await filtered.count()) <= 1, 'one town left');
  assert.ok(allRows > (await filtered.count()), `the filter changed the town panel (${allRows} rows before)`);
  assert.match(await page.locator('#filter-note').innerText(), new RegExp(towns[0]));
  // A period pair in the wrong order names the field.
  const bad = await page.goto(`${base}/dashboard?period=2022Q3&base=2023Q3`);
  assert.equal(bad.status(), 422);
  assert.match(await page.content(), /对比期间/);
  // Phone width: the page still renders its panels.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base + '/dashboard');
  await page.waitForSelector('.echart[data-rendered="1"]');
  await page.screenshot({ path: join(artifacts, 'dashboard-phone.png'), fullPage: false });
  await context.close();
});

test('the report page shows the article and its PDF downloads with the expected text', async () => {
  const { context, page } = await login({ width: 1366, height: 768 });
  await page.goto(base + '/report');
  const para = await page.locator('#report-paragraph').innerText();
  assert.match(para, /截至\d{4}年\d{1,2}月\d{1,2}日，全区科技型企业数量达到\d+家/);
  assert.ok(await page.locator('.report-section svg.chart').count() >= 2, 'SVG charts');
  await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-pdf')]);
  const pdf = join(dataDir, 'report.pdf');
  await download.saveAs(pdf);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
  const number = para.match(/科技型企业数量达到(\d+)家/)[1];
  assert.ok(text.replace(/\s+/g, '').includes(`全区科技型企业数量达到${number}家`), text.slice(0, 400));
  const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' });
  assert.match(fonts, /CID TrueType|CID Type 0C/, fonts);
  assert.match(fonts.split('\n').slice(2).join('\n'), /\byes\b/, 'embedded: ' + fonts);
  writeFileSync(join(artifacts, 'report.pdf'), execFileSync('cat', [pdf]));
  await context.close();
});
