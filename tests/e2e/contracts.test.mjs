// Browser tests of the contract and 揭榜挂帅 forms (issue 6): an enterprise submits a
// bottleneck demand; a returned contract is corrected and resubmitted through its
// prefilled form; the contract text is uploaded as a file and downloaded. The real
// kechuang binary on a fresh data directory with the demo district, driven by
// Playwright (playwright-core) in Debian's Chromium.
//
// Environment: KECHUANG_BIN (default ../../target/debug/kechuang), CHROMIUM
// (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { creditCode, startDistrict } from './harness.mjs';

let d, browser, base;

before(async () => {
  d = await startDistrict('kechuang-e2e-', { users: [{ username: 'e2eadmin', password: 'e2e-password', role: 'bureau_admin', displayName: '测试管理员' }] });
  ({ browser, base } = d);
});

after(async () => { if (d) await d.close(); });


const loginAs = (username, password) => d.login(username, password, { acceptDownloads: true });

// Clicks a submit button and waits for the page it leads to (the same URL after
// a redirect, so waitForURL alone could return before the post).
async function submitAndWait(page, locator) {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

test('an enterprise submits a bottleneck demand through the form', async () => {
  const { context, page } = await loginAs('enterprise', 'Enterprise@2023');
  await page.goto(base + '/challenges/mine');
  const before = await page.locator('#demands tbody tr').count();
  await page.fill('#demand-form input[name=title]', '高能量密度储能电芯热管理难题');
  await page.fill('#demand-form input[name=field]', '新型储能');
  await page.fill('#demand-form textarea[name=problem]', '大容量电芯在高倍率充放电时温升过快。');
  await page.fill('#demand-form textarea[name=indicators]', '2C 充放电温升不超过 8℃');
  await page.fill('#demand-form input[name=cofunding_wan]', '120');
  await page.click('#demand-form button[type=submit]');
  await page.waitForURL(/\/challenges\/mine$/);
  const rows = page.locator('#demands tbody tr');
  assert.equal(await rows.count(), before + 1, 'the demand is listed');
  assert.match(await page.locator('#demands').innerText(), /高能量密度储能电芯热管理难题/);
  // Bad input names the field and writes nothing.
  await page.fill('#demand-form input[name=title]', '缺少难题描述的需求');
  await page.fill('#demand-form input[name=field]', '新型储能');
  await page.fill('#demand-form textarea[name=indicators]', '无');
  await page.fill('#demand-form input[name=cofunding_wan]', '十万');
  await page.evaluate(() => document.querySelector('#demand-form').noValidate = true);
  await page.click('#demand-form button[type=submit]');
  assert.doesNotMatch(page.url(), /\/challenges\/mine$/, 'an error page, not the list');
  await page.goto(base + '/challenges/mine');
  assert.equal(await page.locator('#demands tbody tr').count(), before + 1);
  await context.close();
});

test('a returned contract is corrected in its prefilled form, and its file is uploaded and downloaded', async () => {
  const ent = await loginAs('enterprise', 'Enterprise@2023');
  const me = await (await ent.context.request.get(base + '/api/v1/me')).json();
  const org = (await (await ent.context.request.get(`${base}/api/v1/enterprises/${me.org_id}`)).json()).organisation;
  // The enterprise registers a contract (it is the seller).
  const p = ent.page;
  await p.goto(base + '/contracts/new');
  await p.fill('input[name=title]', 'E2E 储能管理系统委托开发合同');
  await p.selectOption('select[name=subtype]', 'commissioned_development');
  await p.fill('input[name=amount_wan]', '88');
  await p.fill('input[name=signed_on]', '2026-09-01');
  await p.fill('input[name=valid_from]', '2026-09-01');
  await p.fill('input[name=valid_to]', '2027-08-31');
  await p.fill('input[name=p0_name]', org.name);
  await p.fill('input[name=p0_code]', org.credit_code);
  await p.selectOption('select[name=p0_kind]', 'enterprise');
  await p.fill('input[name=p1_name]', '重庆某某电池有限公司');
  await p.fill('input[name=p1_code]', creditCode('91500151E2E00000' + '1'));
  await p.selectOption('select[name=p1_kind]', 'enterprise');
  await p.fill('textarea[name=text]', '甲方委托乙方开发储能电池管理系统（E2E 测试正文）。');
  await p.click('#contract-form button[type=submit]');
  await p.waitForURL(/\/contracts\/[0-9a-f-]{36}$/);
  const url = p.url();
  const id = url.split('/').pop();
  assert.equal(await p.locator('#status').innerText(), '待受理');

  // Upload the text as a file: a wrong type is refused with a clear error, a TXT is stored.
  const dir = mkdtempSync(join(tmpdir(), 'kechuang-e2e-file-'));
  const bad = join(dir, 'contract.exe');
  writeFileSync(bad, 'MZ');
  await p.setInputFiles('#contract-file input[type=file]', bad);
  await p.click('#contract-file button[type=submit]');
  assert.match(await p.locator('body').innerText(), /只接受 PDF、DOCX 或 TXT/);
  await p.goto(url);
  assert.match(await p.locator('#contract-file').innerText(), /尚未上传/);
  const txt = join(dir, 'contract.txt');
  const text = '技术开发（委托）合同：储能电池管理系统，E2E 上传。';
  writeFileSync(txt, text);
  await p.setInputFiles('#contract-file input[type=file]', txt);
  await submitAndWait(p, p.locator('#contract-file button[type=submit]'));
  assert.equal(p.url(), url);
  assert.equal(await p.locator('#file-link').innerText(), 'contract.txt');
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#file-link')]);
  const saved = join(dir, 'downloaded.txt');
  await download.saveAs(saved);
  assert.equal(readFileSync(saved, 'utf8'), text, 'the download is the uploaded file');

  // The registrar (bureau) accepts it and returns it with a note.
  const reg = await loginAs('e2eadmin', 'e2e-password');
  await reg.page.goto(url);
  await submitAndWait(reg.page, reg.page.locator('#review button:has-text("受理")'));
  assert.equal(await reg.page.locator('#status').innerText(), '已受理，审查中');
  const ret = reg.page.locator('#review form:has(input[name=step][value=return])');
  await ret.locator('input[name=note]').fill('请补充买方签章页');
  await submitAndWait(reg.page, ret.locator('button[type=submit]'));
  assert.equal(await reg.page.locator('#status').innerText(), '退回补正');
  // The registrar downloads the file too.
  const fromRegistrar = await reg.context.request.get(`${base}/contracts/${id}/file`);
  assert.equal(await fromRegistrar.text(), text);

  // The seller opens the prefilled correction form with the registrar's note.
  await p.goto(url);
  await p.click('#resubmit-link');
  await p.waitForURL(/\/edit$/);
  assert.match(await p.locator('#return-note').innerText(), /请补充买方签章页/);
  assert.equal(await p.inputValue('input[name=title]'), 'E2E 储能管理系统委托开发合同');
  assert.equal(await p.inputValue('input[name=amount_wan]'), '88');
  assert.equal(await p.inputValue('input[name=p0_name]'), org.name);
  assert.match(await p.inputValue('textarea[name=text]'), /E2E 测试正文/);
  await p.fill('input[name=amount_wan]', '90');
  await p.fill('input[name=tech_transaction_wan]', ''); // recomputed: 90 − 0
  await p.fill('textarea[name=text]', '甲方委托乙方开发储能电池管理系统（E2E 测试正文，已补充买方签章页）。');
  await submitAndWait(p, p.locator('#contract-form button[type=submit]'));
  assert.equal(p.url(), url, await p.locator('body').innerText());
  assert.equal(await p.locator('#status').innerText(), '待受理');
  assert.match(await p.locator('section.facts').innerText(), /90 万元/);
  rmSync(dir, { recursive: true, force: true });
  await reg.context.close();
  await ent.context.close();
});

test('a bureau user links a reviewer account on the call workbench, anyone signed in sees the objection form', async () => {
  const { context, page } = await loginAs('e2eadmin', 'e2e-password');
  await page.goto(base + '/challenges/bench');
  const links = await page.locator('a[href^="/challenges/bench/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  let linked = false;
  for (const href of links) {
    await page.goto(base + href);
    const form = page.locator('#panel form.reviewer-form').first();
    if (await form.count() === 0) continue;
    const expert = await form.locator('input[name=expert_id]').inputValue();
    await form.locator('input[name=username]').fill('e2eadmin');
    await form.locator('button[type=submit]').click();
    await page.waitForURL(base + href);
    const row = page.locator('#panel tbody tr', { has: page.locator(`input[name=expert_id][value="${expert}"]`) });
    assert.match(await row.innerText(), /改为此账号/, 'the account is linked');
    linked = true;
    break;
  }
  assert.ok(linked, 'the demo has a call with a drawn panel');
  await page.goto(base + '/challenges');
  const rows = await page.locator('#publicity tbody tr').count();
  assert.equal(await page.locator('#publicity form.objection-form').count(), rows, 'one objection form per 公示 row');
  await context.close();
});
