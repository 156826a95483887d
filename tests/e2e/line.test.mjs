// Browser test of the assembly line pages: the demo's line engineer opens the demo
// line's analytics (the FPY chart renders), looks up a VIN and sees its screws, and
// downloads the xlsx export.
//
// Environment: KECHUANG_BIN (default ../../target/debug/kechuang), CHROMIUM
// (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startDistrict } from './harness.mjs';

let d, base;

before(async () => {
  d = await startDistrict('kechuang-e2e-line-');
  ({ base } = d);
});

after(async () => { if (d) await d.close(); });

test('the line engineer reads the demo line analytics, traces a VIN and exports xlsx', async () => {
  const { context, page } = await d.login('engineer', 'Engineer@2023', { acceptDownloads: true });

  await page.goto(base + '/lines');
  const link = page.locator('#lines a', { hasText: '质量分析' }).first();
  await link.click();
  await page.waitForURL(/\/lines\/[a-z0-9-]+\/analytics/);
  await page.waitForSelector('#chart-fpy[data-rendered="1"]', { timeout: 30000 });
  assert.ok(await page.locator('#chart-fpy canvas').count() > 0, 'the FPY chart draws on a canvas');
  const fpy = await page.locator('#kpi-fpy').innerText();
  const pct = Number(fpy.replace('%', ''));
  assert.ok(pct > 85 && pct <= 100, `line FPY of the latest day ${fpy}`);
  assert.ok(Number(await page.locator('#kpi-vehicles').innerText()) > 0);
  assert.ok(await page.locator('#chart-xbar[data-rendered="1"]').count() === 1, 'an X̄-R chart is drawn');
  // the data under the FPY chart lists every station
  assert.equal(await page.locator('#table-fpy tbody tr').count(), 7);

  // the day shift of the same date: the form takes the period
  const date = await page.locator('input[name=date]').inputValue();
  assert.match(date, /^\d{4}-\d{2}-\d{2}$/);
  await page.goto(page.url().split('?')[0] + `?period=shift&shift=day&date=${date}`);
  await page.waitForSelector('#chart-fpy[data-rendered="1"]', { timeout: 30000 });
  assert.match(await page.locator('p.lead').innerText(), /白班/);

  // xlsx export
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#xlsx')]);
  const path = await download.path();
  const bytes = readFileSync(path);
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx (zip) file');
  assert.match(download.suggestedFilename(), /\.xlsx$/);

  // VIN trace: the first vehicle of the trial
  const code = page.url().match(/\/lines\/([a-z0-9-]+)\//)[1];
  await page.goto(`${base}/lines/${code}/trace`);
  await page.fill('#vin', 'LMCTL1A2000000001');
  await Promise.all([page.waitForURL(/vin=LMCTL1A2000000001/), page.click('#trace-form button[type=submit]')]);
  const screws = await page.locator('#trace-screws tbody tr').count();
  assert.ok(screws >= 15, `${screws} tightenings of the VIN`);
  const first = await page.locator('#trace-screws tbody tr').first().innerText();
  assert.match(first, /N?OK/);
  assert.equal(await page.locator('#trace-visits tbody tr').count(), 6);

  // an illegal VIN is refused with its reason
  await page.fill('#vin', 'LMCTL1A2O00000001');
  await Promise.all([page.waitForURL(/vin=LMCTL1A2O/), page.click('#trace-form button[type=submit]')]);
  await page.waitForSelector('#trace-error');
  assert.match(await page.locator('#trace-error').innerText(), /非法字符/);
  await context.close();
});
