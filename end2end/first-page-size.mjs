// Benchmark: what a first visit to each console page downloads from /pkg (WASM, JS, CSS),
// raw and as sent with brotli and with gzip only. Each page is opened in a fresh browser
// profile (empty cache) with a logged-in session, and counted after it has hydrated.
// Usage: node first-page-size.mjs /path/to/chuda
import { request } from 'node:http';
import { startServer, launchBrowser, watch, cleanup, hydrated, ADMIN_PASSWORD } from './harness.mjs';

const PAGES = ['/login', '/users', '/users/lookup', '/segments', '/segments/new', '/campaigns',
  '/campaigns/new', '/ledger', '/troubleshoot', '/suppressions', '/settings/sms', '/account',
  '/admin/accounts', '/admin/tokens', '/admin/audit'];
const BUDGET_GZIP = 400 * 1024;

/// Bytes on the wire for `url` with the given Accept-Encoding (the body is not decoded).
function wireBytes(url, encoding) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      let n = 0;
      res.on('data', (d) => { n += d.length; });
      res.on('end', () => resolve(n));
    });
    req.on('error', reject);
    req.end();
  });
}

async function sessionCookies(base) {
  const browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(`${base}/login`, { waitUntil: 'networkidle' });
  await hydrated(page);
  await page.fill('#username', 'admin');
  await page.fill('#password', ADMIN_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.endsWith('/login'), { timeout: 15000 });
  const cookies = await browser.cookies();
  await browser.close();
  return cookies;
}

async function measure(server, cookies, path) {
  const browser = await launchBrowser();
  if (path !== '/login') await browser.addCookies(cookies);
  const page = await browser.newPage();
  const seen = watch(page);
  await page.goto(`${server.base}${path}`, { waitUntil: 'networkidle' });
  await hydrated(page);
  await page.waitForLoadState('networkidle');
  await browser.close();
  const files = [...new Set(seen.urls.filter((u) => new URL(u).pathname.startsWith('/pkg/')))];
  const row = { path, files: files.length, raw: 0, br: 0, gzip: 0, problems: seen.problems };
  for (const url of files) {
    row.raw += await wireBytes(url, 'identity');
    row.br += await wireBytes(url, 'br, gzip');
    row.gzip += await wireBytes(url, 'gzip');
  }
  return row;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);
const server = await startServer(process.argv[2]);
let over = 0;
try {
  const cookies = await sessionCookies(server.base);
  console.log('page               files        raw     brotli       gzip');
  for (const path of PAGES) {
    const r = await measure(server, cookies, path);
    if (r.gzip > BUDGET_GZIP) over++;
    const flag = r.gzip > BUDGET_GZIP ? '  over 400 KB gzip' : '';
    console.log(`${path.padEnd(18)} ${String(r.files).padStart(5)} ${kb(r.raw)} ${kb(r.br)} ${kb(r.gzip)}${flag}`);
    for (const p of r.problems) console.log(`    ${p}`);
  }
} finally {
  server.child.kill('SIGTERM');
}
console.log(over ? `${over} page(s) over the 400 KB gzip budget` : 'every page within the 400 KB gzip budget');
