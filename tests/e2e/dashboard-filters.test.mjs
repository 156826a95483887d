// Browser tests of the indicator wall's filters: a click on a town filters the
// programme panels (with their attribution note), and the distribution panel
// draws its chart and its "查看数据" table. The real binary on a fresh demo district,
// Debian's Chromium through playwright-core. Screenshots go to tests/e2e/artifacts/.
//
// Environment: KECHUANG_BIN (default ../../target/debug/kechuang), CHROMIUM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, startDistrict } from './harness.mjs';

let d, base;

before(async () => {
  d = await startDistrict('kechuang-dashf-', { users: [{ username: 'dashfilter', password: 'dash-password', role: 'bureau_admin', displayName: '看板筛选' }] });
  ({ base } = d);
});

after(async () => { if (d) await d.close(); });

const panel = (page, title) => page.locator('section.dash-panel', { has: page.locator('h2', { hasText: title }) });
const tableText = async (p) => (await p.locator('table tbody').textContent()).replace(/\s+/g, ' ').trim();

test('a click on a town filters the programme panels, which say how', async () => {
  const { context, page } = await d.login('dashfilter', 'dash-password', { viewport: { width: 1366, height: 768 } });
  await page.goto(base + '/dashboard');
  await page.waitForSelector('.echart[data-rendered="1"]');
  const contracts = panel(page, '技术合同登记');
  const finance = panel(page, '知识价值信用贷款');
  const before = [await tableText(contracts), await tableText(finance)];
  assert.equal(await page.locator('.dash-panel p', { hasText: '按卖方' }).count(), 0, 'no note district-wide');
  // The town panel's data table: each town a link filtering the whole wall.
  const townPanel = panel(page, '分镇街分布');
  await townPanel.locator('details.view-data summary').click();
  const link = townPanel.locator('tbody th a').first();
  const town = (await link.innerText()).trim();
  assert.ok(town.length > 0, 'a town link');
  await Promise.all([page.waitForURL(/town=/), link.click()]);
  await page.waitForSelector('.echart[data-rendered="1"]');
  assert.match(await page.locator('#filter-note').innerText(), new RegExp(town));
  const after = [await tableText(panel(page, '技术合同登记')), await tableText(panel(page, '知识价值信用贷款'))];
  assert.ok(after[0] !== before[0] || after[1] !== before[1], `a programme panel changed: ${before} → ${after}`);
  assert.match(await panel(page, '技术合同登记').innerText(), /按卖方（登记单位）登记时所在镇街/);
  assert.match(await panel(page, '产学研对接').innerText(), /发布成果.*全区口径/);
  await page.screenshot({ path: join(artifacts, 'dashboard-town.png'), fullPage: true });
  // A click on a bar of the town chart does the same (the script's handler).
  await page.goto(base + '/dashboard');
  const chart = panel(page, '分镇街分布').locator('.echart[data-rendered="1"]');
  await chart.scrollIntoViewIfNeeded();
  // The tallest filled shape of the chart is a bar (axes and grid are strokes).
  const box = await chart.locator('svg path').evaluateAll((ps) => {
    let best = null;
    for (const p of ps) {
      const f = p.getAttribute('fill');
      if (!f || f === 'none' || f === 'transparent') continue;
      const r = p.getBoundingClientRect();
      if (!best || r.height > best.h) best = { x: r.x + r.width / 2, y: r.y + r.height / 2, h: r.height };
    }
    return best;
  });
  assert.ok(box && box.h > 0, 'a bar drawn');
  await Promise.all([page.waitForURL(/town=/), page.mouse.click(box.x, box.y)]);
  assert.match(decodeURIComponent(page.url()), /town=[^&]+/);
  await context.close();
});

test('the distribution panel draws its histogram and its data table', async () => {
  const { context, page } = await d.login('dashfilter', 'dash-password', { viewport: { width: 1366, height: 768 } });
  await page.goto(base + '/dashboard?dist=employees');
  await page.waitForSelector('.echart[data-rendered="1"]');
  const dist = panel(page, '分布（');
  await dist.scrollIntoViewIfNeeded();
  assert.match(await dist.locator('h2').innerText(), /^职工总数分布/);
  assert.equal(await dist.locator('.echart[data-rendered="1"] svg').count(), 1, 'histogram drawn');
  assert.match(await dist.innerText(), /填报企业\d+家；最小值[\d.]+，下四分位数[\d.]+，中位数[\d.]+/);
  await dist.locator('details.view-data summary').click();
  const rows = dist.locator('table tbody tr');
  assert.ok((await rows.count()) >= 6, 'buckets and the five numbers');
  assert.match(await dist.locator('table caption').innerText(), /职工总数分布/);
  assert.equal((await dist.locator('tbody th', { hasText: '中位数' }).count()), 1);
  // The bucket counts add up to the reporting enterprises.
  const n = Number((await dist.innerText()).match(/填报企业(\d+)家/)[1]);
  const cells = await dist.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th').innerText, tr.querySelector('td').innerText]));
  const sum = cells.filter(([h]) => /～|及以上/.test(h)).reduce((a, [, c]) => a + Number(c), 0);
  assert.equal(sum, n, JSON.stringify(cells));
  // The form's select changes the indicator.
  await page.selectOption('select[name=dist]', 'rd_expense');
  await Promise.all([page.waitForURL(/dist=rd_expense/), page.click('form.dash-filters button[type=submit]')]);
  assert.match(await panel(page, '分布（').locator('h2').innerText(), /^研发费用总额分布/);
  // The panel's own export link answers with an xlsx file.
  const href = await panel(page, '分布（').locator('a', { hasText: '导出本面板' }).getAttribute('href');
  const resp = await page.request.get(base + href);
  assert.equal(resp.status(), 200);
  assert.match(resp.headers()['content-type'], /spreadsheetml/);
  await page.screenshot({ path: join(artifacts, 'dashboard-distribution.png'), fullPage: true });
  await context.close();
});
