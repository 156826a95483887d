// Browser test of the live view (实时看板): while the page is open, a second process
// (`kechuang line simulate`, the real runner with simulated controllers and MQTT)
// writes line activity into the same data directory; the page shows it through
// server-sent events without a reload.
//
// Needs the Mosquitto broker on 127.0.0.1:1883. Environment: KECHUANG_BIN (default
// ../../target/debug/kechuang), CHROMIUM (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startDistrict } from './harness.mjs';

const bin = process.env.KECHUANG_BIN || new URL('../../target/debug/kechuang', import.meta.url).pathname;
let d, base, sim;

before(async () => {
  d = await startDistrict('kechuang-e2e-line-live-');
  ({ base } = d);
});

after(async () => {
  if (sim && sim.exitCode === null) sim.kill('SIGTERM');
  if (d) await d.close();
});

test('the live view shows a running line without a reload', async () => {
  const { context, page } = await d.login('admin', 'Admin@2023');
  // a slow station keeps the simulated line running long enough to watch it
  sim = spawn(bin, ['--data-dir', d.dataDir, 'line', 'simulate', '--stations', '2', '--vehicles', '400',
    '--faulty-station', '1', '--seed', '7', '--json'], { stdio: ['ignore', 'ignore', 'inherit'] });

  // the simulated line appears in the line list of the API
  let code = null;
  for (let i = 0; i < 120 && !code; i++) {
    const r = await page.request.get(base + '/api/v1/lines');
    assert.equal(r.status(), 200);
    const sims = (await r.json()).filter((l) => l.code.startsWith('sim-'));
    if (sims.length) code = sims[0].code;
    else await new Promise((res) => setTimeout(res, 250));
  }
  assert.ok(code, 'the simulator created its line');

  await page.goto(`${base}/lines/${code}/live`);
  await page.evaluate(() => { window.__notReloaded = true; });
  const before = await page.locator('#live-events tbody').innerText();
  // the page receives snapshots and redraws
  await page.waitForFunction(() => /已连接 ·/.test(document.getElementById('live-state').textContent),
    null, { timeout: 30000 });
  await page.waitForFunction((old) => {
    const t = document.querySelector('#live-events tbody').innerText;
    return t !== old && /放行/.test(t);
  }, before, { timeout: 60000 });
  // a cart's frame number at a station, and events of more than one vehicle
  await page.waitForFunction(() => [...document.querySelectorAll('#live-stations tbody tr td:nth-child(2)')]
    .some((td) => /^LKC\d{4}SM\d{8}$/.test(td.textContent)), null, { timeout: 60000 });
  const vins = new Set((await page.locator('#live-events tbody').innerText()).match(/LKC\d{4}SM\d{8}/g));
  assert.ok(vins.size >= 1, 'events name vehicles');
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'no reload');
  assert.equal(await page.locator('#live-stations tbody tr').count(), 2);
  sim.kill('SIGTERM');
  await context.close();
});
