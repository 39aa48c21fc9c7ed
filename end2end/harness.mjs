// Browser-test harness: copies the chuda binary alone into an empty directory, starts it on a
// free loopback port, and drives Debian's Chromium through playwright-core.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_PASSWORD = 'browser-admin-pw-1';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

export async function startServer(binary, extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'chuda-e2e-'));
  const exe = join(dir, 'chuda');
  copyFileSync(binary, exe);
  chmodSync(exe, 0o755);
  const port = await freePort();
  const env = { PATH: process.env.PATH, CHUDA__AUTH__ADMIN_PASSWORD: ADMIN_PASSWORD, ...extraEnv };
  if (process.env.CHUDA_SITE_ROOT) env.CHUDA_SITE_ROOT = process.env.CHUDA_SITE_ROOT; // debug builds without embed
  const child = spawn(exe, ['serve', '--listen', `127.0.0.1:${port}`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { const r = await fetch(`${base}/login`); if (r.ok) return { base, dir, child, log: () => log }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start:\n${log}`);
}

export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'chuda-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.profileDir = profile;
  return context;
}

/// Closes the browser, stops the server and removes their temporary directories.
export async function cleanup(server, browser) {
  await browser.close().catch(() => {});
  server.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  for (const dir of [server.dir, browser.profileDir]) rmSync(dir, { recursive: true, force: true });
}

/// Records page errors, console errors, HTTP >= 400 (except expected ones) and every response body.
export function watch(page) {
  const problems = [];
  const bodies = [];
  const urls = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`); });
  page.on('response', async (r) => {
    urls.push(r.url());
    try { bodies.push({ url: r.url(), text: await r.text() }); } catch { /* redirects have no body */ }
  });
  return { problems, bodies, urls };
}

export function assert(cond, msg) { if (!cond) throw new Error(`assertion failed: ${msg}`); }

/// Runs named async tests in order and exits non-zero if any failed.
export async function run(tests) {
  let passed = 0; let failed = 0;
  for (const [name, fn] of tests) {
    const started = Date.now();
    try { await fn(); passed++; console.log(`ok   ${name} (${Date.now() - started} ms)`); }
    catch (e) { failed++; console.log(`FAIL ${name}\n     ${e.stack || e}`); }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}

/// Waits until the WASM has hydrated the current page.
export async function hydrated(page) {
  await page.waitForSelector('body[data-hydrated]', { timeout: 15000 });
}
