// Browser tests: the real kechuang binary on a fresh data directory with the demo
// district, driven by Playwright (playwright-core) in Debian's Chromium.
//
// Environment: KECHUANG_BIN (default ../../target/debug/kechuang), CHROMIUM
// (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { creditCode, startDistrict } from './harness.mjs';

let d, browser, base;

before(async () => {
  d = await startDistrict('kechuang-e2e-', { users: [{ username: 'e2eadmin', password: 'e2e-password', role: 'bureau_admin', displayName: '测试管理员' }] });
  ({ browser, base } = d);
});

after(async () => { if (d) await d.close(); });

async function loggedIn() {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(base + '/enterprises');
  assert.match(page.url(), /\/login$/, 'an anonymous visitor is sent to the login page');
  await page.fill('input[name=username]', 'e2eadmin');
  await page.fill('input[name=password]', 'e2e-password');
  await page.click('button[type=submit]');
  await page.waitForURL(/\/home$/);
  await page.goto(base + '/enterprises');
  return { context, page };
}

test('a wrong password is refused, the right one logs in', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=username]', 'e2eadmin');
  await page.fill('input[name=password]', 'not-the-password');
  await page.click('button[type=submit]');
  assert.equal(await page.locator('.alert').innerText(), '用户名或密码错误');
  await page.fill('input[name=password]', 'e2e-password');
  await page.click('button[type=submit]');
  await page.waitForURL(/\/home$/);
  assert.match(await page.locator('header .who').innerText(), /测试管理员/);
  await context.close();
});

test('the enterprise list pages and filters the demo district', async () => {
  const { context, page } = await loggedIn();
  const total = Number((await page.locator('h1 small').innerText()).match(/\d+/)[0]);
  assert.ok(total > 1000, `demo district lists ${total} organisations`);
  assert.equal(await page.locator('#enterprise-list tbody tr').count(), 20);
  await page.selectOption('select[name=town]', '巴川街道');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL(/town=/);
  const towns = await page.locator('#enterprise-list tbody tr td:nth-child(3)').allInnerTexts();
  assert.ok(towns.length > 0 && towns.every((t) => t === '巴川街道'), 'every row is in the chosen town');
  await page.click('text=下一页');
  await page.waitForURL(/page=2/);
  assert.ok(await page.locator('#enterprise-list tbody tr').count() > 0);
  await context.close();
});

test('a profile draws the indicator trend chart', async () => {
  const { context, page } = await loggedIn();
  await page.selectOption('select[name=qualification]', 'tech_enterprise');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL(/qualification=tech_enterprise/);
  await page.locator('#enterprise-list tbody tr td a').first().click();
  await page.waitForURL(/\/enterprises\/[0-9a-f-]{36}$/);
  await page.waitForSelector('#trend-chart[data-rendered="rd_expense"] canvas', { timeout: 15000 });
  const box = await page.locator('#trend-chart canvas').first().boundingBox();
  assert.ok(box.width > 200 && box.height > 200, 'the chart has a size');
  assert.ok(await page.locator('#indicator-table tbody tr').count() >= 10, 'the indicator table has rows');
  assert.match(await page.locator('#indicator-table').innerText(), /同比/);
  await page.selectOption('#indicator-select', 'operating_revenue');
  await page.waitForSelector('#trend-chart[data-rendered="operating_revenue"]');
  await context.close();
});

test('an import with a bad cell lists it and writes nothing; the fixed file imports', async () => {
  const { context, page } = await loggedIn();
  const good = creditCode('91500151E2E000001');
  const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
  const dir = mkdtempSync(join(tmpdir(), 'kechuang-e2e-files-'));
  const header = '统一社会信用代码,企业名称,所属镇街,产业集群,是否规上工业企业\n';
  const badFile = join(dir, 'bad.csv');
  const goodFile = join(dir, 'good.csv');
  writeFileSync(badFile, header + `${bad},重庆浏览器测试储能科技有限公司,巴川街道,新型储能,是\n`);
  writeFileSync(goodFile, header + `${good},重庆浏览器测试储能科技有限公司,巴川街道,新型储能,是\n`);

  await page.goto(base + '/import');
  await page.setInputFiles('input[name=file]', badFile);
  await page.click('#import-form button[type=submit]');
  await page.waitForSelector('#import-errors');
  const row = await page.locator('#import-errors tbody tr').first().innerText();
  assert.match(row, /校验位/, row);
  assert.match(row, new RegExp(bad), 'the bad value is shown');
  await page.goto(base + '/enterprises?q=' + encodeURIComponent('浏览器测试'));
  assert.equal(await page.locator('#enterprise-list tbody tr td a').count(), 0, 'nothing was imported');

  await page.goto(base + '/import');
  await page.setInputFiles('input[name=file]', goodFile);
  await page.click('#import-form button[type=submit]');
  await page.waitForSelector('#import-result');
  assert.match(await page.locator('#import-result h2').innerText(), /导入成功/);
  await page.goto(base + '/enterprises?q=' + encodeURIComponent('浏览器测试'));
  assert.equal(await page.locator('#enterprise-list tbody tr td a').count(), 1);
  rmSync(dir, { recursive: true, force: true });
  await context.close();
});

const loginAs = (username, password) => d.login(username, password);

test('an enterprise reads its ladder with the gap to every tier', async () => {
  const { context, page } = await loginAs('enterprise', 'Enterprise@2023');
  await page.click('nav >> text=我的梯度培育');
  await page.waitForURL(/\/enterprises\/[0-9a-f-]{36}\/ladder/);
  const tiers = await page.locator('section.tier').count();
  assert.ok(tiers >= 5, `one section per tier (${tiers})`);
  const statuses = await page.locator('section.tier').evaluateAll((els) => els.map((e) => e.dataset.status));
  assert.ok(statuses.every((s) => ['ok', 'review', 'no'].includes(s)), statuses.join());
  assert.ok(await page.locator('section.tier table.conditions tbody tr').count() >= 10, 'conditions are listed');
  assert.match(await page.locator('#tier-high_tech').innerText(), /高新技术企业/);
  await context.close();
});

test('the bureau filters the cultivation pool and sets a doubling target with its chart', async () => {
  const { context, page } = await loggedIn();
  await page.click('nav >> text=培育库');
  await page.waitForURL(/\/pool/);
  assert.ok(await page.locator('#distances tbody tr').count() >= 5, 'a distance row per tier');
  await page.selectOption('select[name=tier]', 'tech_sme');
  await page.selectOption('select[name=not_held]', '0');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL(/tier=tech_sme/);
  const n = Number((await page.locator('section.card h2').nth(1).innerText()).match(/(\d+) 家/)[1]);
  assert.ok(n > 100, `the pool lists the demo firms (${n})`);
  await page.locator('#pool tbody tr td a').first().click();
  await page.waitForURL(/\/ladder#tier-tech_sme/);
  await page.selectOption('#tier-tech_sme select[name=stage]', 'entered');
  await page.click('#tier-tech_sme form button[type=submit]');
  await page.waitForURL(/\/ladder$/);
  assert.match(await page.locator('#tier-tech_sme').innerText(), /培育库：入库/);

  await page.goto(base + '/targets');
  await page.fill('input[name=name]', '高新技术企业数量翻番');
  await page.selectOption('form select[name=tier]', 'high_tech');
  await page.fill('input[name=baseline_date]', '2023-10-31');
  await page.fill('input[name=multiple]', '2');
  await page.fill('input[name=due_date]', '2027-12-31');
  await page.click('form[action="/targets"] button[type=submit]');
  await page.waitForURL(/\/targets$/);
  await page.waitForSelector('.target .chart[data-rendered="1"] canvas', { timeout: 15000 });
  const added = page.locator('.target', { hasText: '高新技术企业数量翻番' }).last();
  assert.match(await added.innerText(), /350 家/, 'the target is twice the 175 of 2023-10-31');
  assert.match(await added.innerText(), /完成进度/);
  await context.close();
});
