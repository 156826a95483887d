// The set-up every browser test file shares: a fresh demo district in a temporary
// data directory, the real kechuang binary serving it on a free port, and Debian's
// Chromium driven by Playwright (playwright-core, no bundled browser).
//
// Environment: KECHUANG_BIN (default ../../target/debug/kechuang), CHROMIUM
// (default /usr/bin/chromium).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.KECHUANG_BIN || resolve(here, '../../target/debug/kechuang');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

/** Where screenshots and downloaded files are kept (a CI artifact, gitignored). */
export const artifacts = resolve(here, 'artifacts');

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

/** The check character of a unified social credit code (GB 32100-2015). */
export function creditCode(first17) {
  const cs = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += cs.indexOf(first17[i]) * (3 ** i % 31);
  const r = 31 - (sum % 31);
  return first17 + cs[r === 31 ? 0 : r];
}

/**
 * Builds the demo district in a new data directory (`prefix` names it), adds the
 * given users (`{ username, password, role, displayName }`), starts the server and
 * the browser. Call `close()` on the result in `after`.
 */
export async function startDistrict(prefix, { users = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const kc = (...args) => execFileSync(bin, ['--data-dir', dataDir, ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  kc('demo', '--no-serve');
  for (const u of users) {
    kc('user', 'add', '--username', u.username, '--password', u.password, '--role', u.role,
      '--display-name', u.displayName);
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitReady(base, 30000);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(artifacts, { recursive: true });
  return {
    base,
    browser,
    dataDir,
    kc,
    /** A new browser context signed in as `username`; `options` go to newContext. */
    async login(username, password, options = {}) {
      const context = await browser.newContext({ locale: 'zh-CN', ...options });
      const page = await context.newPage();
      await page.goto(base + '/login');
      await page.fill('input[name=username]', username);
      await page.fill('input[name=password]', password);
      await page.click('button[type=submit]');
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      return { context, page };
    },
    async close() {
      await browser.close();
      server.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
