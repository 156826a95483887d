// Browser test of the line configuration editor and the batches: the demo line
// engineer retunes a torque window (a wrong one is refused naming the field),
// adds a station, opens and closes a batch and reads a batch's analytics.
//
// Environment: KECHUANG_BIN (default ../../target/debug/kechuang), CHROMIUM
// (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDistrict } from './harness.mjs';

let d, base;

before(async () => {
  d = await startDistrict('kechuang-e2e-line-config-');
  ({ base } = d);
});

after(async () => { if (d) await d.close(); });

test('the line engineer edits the configuration and runs a batch', async () => {
  const { context, page } = await d.login('engineer', 'Engineer@2023');
  await page.goto(base + '/lines');
  await page.locator('#lines a').first().click();
  await page.waitForSelector('#edit-config');
  const code = page.url().match(/\/lines\/([a-z0-9-]+)/)[1];
  await page.click('#edit-config');
  await page.waitForSelector('#line-form');

  // a torque window upside down: refused, naming the station, the task and the field
  await page.fill('input[name="s0.t0.tmin"]', '99');
  await page.click('#save');
  await page.waitForSelector('#form-error');
  assert.match(await page.locator('#form-error').innerText(), /第1个工位 · 拧紧任务1 · 扭矩窗口/);
  // not a number
  await page.fill('input[name="s0.t0.tmin"]', '4x');
  await page.click('#save');
  await page.waitForSelector('#form-error');
  assert.match(await page.locator('#form-error').innerText(), /扭矩下限：应为数字/);
  // nothing was saved
  const api = await page.request.get(`${base}/api/v1/lines/${code}`);
  const stored = await api.json();
  assert.equal(stored.stations[0].tasks[0].torque_min_cnm, 4050);

  // a valid window and a new station after the third (the last station stays the
  // one whose releases count as completed vehicles)
  await page.fill('input[name="s0.t0.tmin"]', '41.5');
  const n = stored.stations.length;
  await page.fill(`input[name="s${n}.pos"]`, '3');
  await page.fill(`input[name="s${n}.code"]`, 'st99');
  await page.fill(`input[name="s${n}.name"]`, '终检复紧');
  await page.fill(`input[name="s${n}.t0.joint"]`, '复紧螺栓');
  for (const [k, v] of [['bolts', '2'], ['pset', '11'], ['tmin', '20'], ['ttarget', '22'], ['tmax', '24'], ['amin', '10'], ['amax', '200']]) {
    await page.fill(`input[name="s${n}.t0.${k}"]`, v);
  }
  await Promise.all([page.waitForURL(new RegExp(`/lines/${code}$`)), page.click('#save')]);
  assert.match(await page.locator('#station-st99').innerText(), /终检复紧/);
  const after = await (await page.request.get(`${base}/api/v1/lines/${code}`)).json();
  assert.equal(after.stations[0].tasks[0].torque_min_cnm, 4150);
  assert.equal(after.stations.length, n + 1);
  assert.equal(after.stations[3].code, 'st99', 'placed by its order number');
  assert.equal(after.stations[0].id, stored.stations[0].id, 'the station keeps its id');

  // batches: the demo's recorded ones, a new one opened and closed
  await page.goto(`${base}/lines/${code}/batches`);
  const rows = await page.locator('#batches tbody tr').count();
  assert.ok(rows >= 1, 'the demo trial has batches');
  await page.fill('#batch-form input[name=code]', 'TP-E2E');
  await page.fill('#batch-form input[name=planned_qty]', '0');
  await page.click('#batch-form button[type=submit]');
  await page.waitForSelector('#form-error');
  assert.match(await page.locator('#form-error').innerText(), /计划数量/);
  await page.fill('#batch-form input[name=planned_qty]', '30');
  await page.click('#batch-form button[type=submit]');
  await page.waitForSelector('#batches tbody tr:has-text("TP-E2E")');
  assert.match(await page.locator('#batches tbody tr', { hasText: 'TP-E2E' }).innerText(), /进行中/);
  await page.locator('#batches tbody tr', { hasText: 'TP-E2E' }).locator('button').click();
  await page.waitForSelector('#batches tbody tr:has-text("TP-E2E")');
  assert.doesNotMatch(await page.locator('#batches tbody tr', { hasText: 'TP-E2E' }).innerText(), /进行中/);

  // a recorded batch's analytics
  await page.locator('#batches tbody tr').last().locator('a', { hasText: '质量分析' }).click();
  await page.waitForSelector('#chart-fpy[data-rendered="1"]', { timeout: 30000 });
  assert.match(await page.locator('p.lead').innerText(), /批次 TP-/);
  assert.ok(Number(await page.locator('#kpi-vehicles').innerText()) > 0);
  await context.close();
});
