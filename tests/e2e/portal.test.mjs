// Browser tests of the portal, the role home pages, notifications and the
// grouped navigation: the real kechuang binary on a fresh demo district, driven
// by Playwright (playwright-core) in Debian's Chromium. Screenshots of the portal
// and each home page go to tests/e2e/artifacts/ (gitignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, startDistrict } from './harness.mjs';

let d, browser, base;

before(async () => {
  d = await startDistrict('kechuang-portal-');
  ({ browser, base } = d);
});

after(async () => { if (d) await d.close(); });

const loginAs = (username, password, viewport) =>
  d.login(username, password, { viewport: viewport || { width: 1366, height: 768 } });

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

test('the public portal shows every section and works at phone width by keyboard', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(base + '/');
  assert.match(await page.locator('h1').innerText(), /科技创新服务中心/);
  for (const id of ['#sec-policy', '#sec-talent', '#sec-ladder', '#sec-conversion', '#sec-incubation', '#sec-finance']) {
    assert.equal(await page.locator(id).count(), 1, id);
  }
  assert.ok(await page.locator('#sec-policy li').count() >= 1, 'newest policies are listed');
  assert.ok(await page.locator('#sec-talent li').count() >= 1, 'open talent demands are listed');
  await page.screenshot({ path: join(artifacts, 'portal.png'), fullPage: true });
  await page.click('#sec-talent h2 a');
  await page.waitForURL(/\/talent$/);
  assert.ok(await page.locator('#talent-demands tbody tr').count() >= 10, 'the demo posts talent demands');
  await context.close();

  // Phone width: the menu folds behind a button that works by keyboard.
  const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true });
  const p = await phone.newPage();
  await p.goto(base + '/');
  assert.equal(await p.locator('nav#mainnav').isVisible(), false, 'folded at 390px');
  await p.locator('.nav-toggle').focus();
  await p.keyboard.press('Enter');
  assert.equal(await p.locator('.nav-toggle').getAttribute('aria-expanded'), 'true');
  assert.equal(await p.locator('nav#mainnav').isVisible(), true);
  await p.keyboard.press('Tab');
  const focused = await p.evaluate(() => document.activeElement && document.activeElement.closest('nav') !== null);
  assert.ok(focused, 'Tab moves into the navigation');
  await p.screenshot({ path: join(artifacts, 'portal-phone.png'), fullPage: true });
  await p.keyboard.press('Escape');
  assert.equal(await p.locator('.nav-toggle').getAttribute('aria-expanded'), 'false');
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 400, `no horizontal scrolling at phone width (${width})`);
  await phone.close();
});

const ROLES = [
  ['admin', 'Admin@2023'],
  ['reviewer', 'Reviewer@2023'],
  ['town', 'Town@2023'],
  ['enterprise', 'Enterprise@2023'],
  ['research', 'Research@2023'],
  ['bank', 'Bank@2023'],
];

test('each role home page lists what needs attention, linking to where it is handled', async () => {
  for (const [user, pw] of ROLES) {
    const { context, page } = await loginAs(user, pw);
    await page.goto(base + '/home');
    const items = page.locator('#attention li');
    const n = await items.count();
    assert.ok(n >= 2, `${user}: attention items (${n})`);
    const due = await page.locator('#attention li.due').count();
    assert.ok(due >= 1, `${user}: at least one item with something waiting`);
    const first = page.locator('#attention li.due a').first();
    const href = await first.getAttribute('href');
    assert.match(href, /^\//, `${user}: the item links into the site`);
    await page.screenshot({ path: join(artifacts, `home-${user}.png`), fullPage: true });
    await first.click();
    await page.waitForLoadState();
    assert.equal(new URL(page.url()).pathname, href.split('#')[0], `${user}: the link opens where it is handled`);
    await context.close();
  }
});

test('a notification shows its count in the header and reading clears it', async () => {
  // The enterprise submits a filing through the API; the district admin is told.
  const ent = await api('POST', '/api/v1/session', null, { username: 'enterprise', password: 'Enterprise@2023' });
  const me = await api('GET', '/api/v1/me', ent.token);
  await api('POST', `/api/v1/enterprises/${me.org_id}/filings`, ent.token, { period: '2031Q1', values: { employees: 40, rd_expense: 12.5 } });
  await api('POST', `/api/v1/enterprises/${me.org_id}/filings/2031Q1/submit`, ent.token);

  const { context, page } = await loginAs('admin', 'Admin@2023');
  let count = 0;
  for (let i = 0; i < 30 && count === 0; i++) {
    await page.goto(base + '/home');
    count = await page.locator('#unread-count').count();
    if (count === 0) await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal(count, 1, 'the unread badge shows');
  assert.ok(Number(await page.locator('#unread-count').innerText()) >= 1);
  await page.click('#nav-notifications');
  await page.waitForURL(/\/notifications$/);
  assert.match(await page.locator('#notifications li.unread').first().innerText(), /提交了2031年1—3月填报/);
  await page.click('#read-all');
  await page.waitForURL(/\/notifications$/);
  assert.equal(await page.locator('#unread-count').count(), 0, 'reading clears the badge');
  assert.equal(await page.locator('#notifications li.unread').count(), 0);
  await context.close();
});

test('the grouped navigation keeps every page reachable by keyboard', async () => {
  const { context, page } = await loginAs('admin', 'Admin@2023');
  await page.goto(base + '/home');
  const groups = await page.locator('nav#mainnav .navgroup').count();
  assert.ok(groups >= 7, `sections (${groups})`);
  const hrefs = await page.locator('nav#mainnav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const h of ['/home', '/policies', '/talent', '/enterprises', '/pool', '/needs', '/contracts', '/challenges', '/platforms', '/credit', '/ledger', '/dashboard', '/report', '/import', '/export', '/review']) {
    assert.ok(hrefs.includes(h), `nav has ${h}`);
  }
  // Tab from the top reaches the navigation's links in order.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement.getAttribute('href') === '/home');
  }
  assert.ok(reached, 'the first navigation link takes focus');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/home$/);
  await context.close();
});
