// Browser tests of the indicator wall and the district report: the real binary on
// a fresh demo district, Debian's Chromium through playwright-core. Screenshots go
// to tests/e2e/artifacts/ (gitignored). Needs pdftotext (poppler-utils).
//
// Environment: KECHUANG_BIN (default ../../target/debug/kechuang), CHROMIUM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.KECHUANG_BIN || resolve(here, '../../target/debug/kechuang');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const dataDir = mkdtempSync(join(tmpdir(), 'kechuang-dash-'));
const artifacts = resolve(here, 'artifacts');
let server, browser, base;

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

async function waitReady(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try { const r = await fetch(url + '/readyz'); if (r.ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not become ready');
}

function kc(...args) {
  return execFileSync(bin, ['--data-dir', dataDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  kc('demo', '--no-serve');
  kc('user', 'add', '--username', 'dashadmin', '--password', 'dash-password', '--role', 'bureau_admin', '--display-name', '看板测试');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitReady(base, 30000);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

async function login(viewport) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=username]', 'dashadmin');
  await page.fill('input[name=password]', 'dash-password');
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return { context, page };
}

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
