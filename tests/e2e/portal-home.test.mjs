// Browser tests of issue 7's additions: a signed-in `/` (and logging in) leads
// to 我的工作台 with its exact milestones list; talent demands and records are
// edited and deleted through the pages with the bad field named; the new
// notification kinds can be chosen on the settings page. The real kechuang
// binary on a fresh demo district, Debian's Chromium through playwright-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, startDistrict } from './harness.mjs';

let d, browser, base;

before(async () => {
  d = await startDistrict('kechuang-portal-home-');
  ({ browser, base } = d);
});

after(async () => { if (d) await d.close(); });

async function api(method, path, token, body) {
  const r = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

test('logging in and a signed-in / lead to the role home page with its milestones', async () => {
  for (const [user, pw] of [['enterprise', 'Enterprise@2023'], ['admin', 'Admin@2023']]) {
    const { context, page } = await d.login(user, pw);
    assert.equal(new URL(page.url()).pathname, '/home', `${user}: logging in lands on the home page`);
    await page.goto(base + '/');
    assert.equal(new URL(page.url()).pathname, '/home', `${user}: / is the home page`);
    assert.match(await page.locator('h1').innerText(), /我的工作台/);
    // The milestones item counts exactly the listed milestones, as the API does.
    const tok = await api('POST', '/api/v1/session', null, { username: user, password: pw });
    const home = await api('GET', '/api/v1/home', tok.token);
    const item = home.items.find((i) => i.link === '/home#milestones');
    assert.ok(item, `${user}: a milestones item`);
    assert.equal(item.count, home.milestones.length);
    assert.equal(await page.locator('#milestones').count(), 1, `${user}: the milestones section`);
    assert.equal(await page.locator('#milestone-list tbody tr').count(), home.milestones.length);
    const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    const limit = new Date(Date.parse(today) + 30 * 86400 * 1000).toISOString().slice(0, 10);
    for (const m of home.milestones) {
      assert.ok(m.due <= limit, `${m.due} within 30 days`);
      assert.equal(m.overdue, m.due < today);
    }
    await page.screenshot({ path: join(artifacts, `home-milestones-${user}.png`), fullPage: true });
    await context.close();
  }
  // Anonymous visitors still get the portal.
  const anon = await browser.newContext({ locale: 'zh-CN' });
  const p = await anon.newPage();
  await p.goto(base + '/');
  assert.match(await p.locator('h1').innerText(), /科技创新服务中心/);
  await anon.close();
});

test('an enterprise edits and deletes its talent demand; the bad field is named', async () => {
  const tok = await api('POST', '/api/v1/session', null, { username: 'enterprise', password: 'Enterprise@2023' });
  const posted = await api('POST', '/api/v1/talent/demands', tok.token,
    { title: '储能系统测试工程师', field: '新型储能', education: '本科', positions: '2', description: '负责电池包测试' });
  const { context, page } = await d.login('enterprise', 'Enterprise@2023');
  await page.goto(base + '/talent');
  const row = page.locator(`#d-${posted.demand_id}`);
  await row.locator('a.edit').click();
  await page.waitForURL(/\/edit$/);
  await page.fill('input[name=title]', '储能系统测试主管');
  await page.fill('input[name=positions]', '0');
  await page.click('#edit-demand button[type=submit]');
  assert.match(await page.locator('#form-errors').innerText(), /人数/);
  assert.equal(await page.inputValue('input[name=title]'), '储能系统测试主管', 'typed values are kept');
  await page.fill('input[name=positions]', '4');
  await page.click('#edit-demand button[type=submit]');
  await page.waitForURL(/\/talent(#.*)?$/);
  assert.match(await page.locator(`#d-${posted.demand_id}`).innerText(), /储能系统测试主管/);
  assert.match(await page.locator(`#d-${posted.demand_id} td.num`).innerText(), /^4$/);
  await page.screenshot({ path: join(artifacts, 'talent-edited.png'), fullPage: true });
  // Delete (confirming the dialog).
  await page.goto(base + `/talent/demands/${posted.demand_id}/edit`);
  page.once('dialog', (dlg) => dlg.accept());
  await page.click('#delete-demand button[type=submit]');
  await page.waitForURL(/\/talent$/);
  assert.equal(await page.locator(`#d-${posted.demand_id}`).count(), 0);
  await context.close();
});

test('bureau staff correct a talent record; the enterprise cannot', async () => {
  const { context, page } = await d.login('admin', 'Admin@2023');
  await page.goto(base + '/talent/records');
  const first = page.locator('#talents tbody tr').first();
  const id = (await first.getAttribute('id')).slice(2);
  await first.locator('a.edit').click();
  await page.waitForURL(/\/edit$/);
  await page.fill('input[name=introduced_on]', '2024-02-30');
  await page.click('#edit-talent button[type=submit]');
  assert.match(await page.locator('#form-errors').innerText(), /引进日期/);
  await page.fill('input[name=introduced_on]', '2024-02-29');
  await page.fill('textarea[name=note]', '浏览器测试修改');
  await page.click('#edit-talent button[type=submit]');
  await page.waitForURL(/\/talent\/records/);
  const rec = await api('GET', '/api/v1/talent/records', (await api('POST', '/api/v1/session', null, { username: 'admin', password: 'Admin@2023' })).token);
  const changed = rec.find((r) => r.talent_id === id);
  assert.equal(changed.note, '浏览器测试修改');
  assert.equal(changed.introduced_on, '2024-02-29');
  await context.close();
  const ent = await d.login('enterprise', 'Enterprise@2023');
  const r = await ent.page.goto(base + `/talent/records/${id}/edit`);
  assert.ok([403, 404].includes(r.status()), `the enterprise may not edit (${r.status()})`);
  await ent.context.close();
});

test('the new notification kinds can be chosen, by e-mail too', async () => {
  const { context, page } = await d.login('bank', 'Bank@2023');
  await page.goto(base + '/notifications/settings');
  for (const k of ['credit_requested', 'loan_overdue', 'contract_updated', 'challenge_milestone']) {
    assert.equal(await page.locator(`#ch-${k}`).count(), 1, k);
  }
  await page.fill('input[name=email]', 'xindai@bank.example.cn');
  await page.selectOption('#ch-loan_overdue', 'email');
  await page.click('form.card button[type=submit]');
  await page.goto(base + '/notifications/settings');
  assert.equal(await page.inputValue('#ch-loan_overdue'), 'email');
  assert.equal(await page.inputValue('#ch-credit_requested'), 'in_app');
  await context.close();
});
