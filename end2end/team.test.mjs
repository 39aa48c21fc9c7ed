// Browser tests of team accounts: 账号管理 (create with field errors), API 令牌 (shown once),
// 审计日志 (rows and the action filter), and what a 只读 account sees — all under the page CSP
// (a blocked script would stop hydration and show up as a console error).
// Usage: node team.test.mjs /path/to/chuda
import { startServer, launchBrowser, watch, assert, run, cleanup, hydrated as h, ADMIN_PASSWORD } from './harness.mjs';

const binary = process.argv[2];
const server = await startServer(binary);
const browser = await launchBrowser();
const page = await browser.newPage();
const seen = watch(page);
const hydrated = () => h(page);
const VIEWER_PW = 'viewer-password-1';

async function login(user, password) {
  await page.goto(`${server.base}/login`, { waitUntil: 'networkidle' });
  await hydrated();
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL('**/settings/sms');
}

async function createAccount(name, role, password) {
  const form = page.locator('#new-account');
  await form.locator('input[name=username]').fill(name);
  await form.locator('input[name=password]').fill(password);
  await form.locator('select[name=role]').selectOption(role);
  await form.locator('button[type=submit]').click();
}

const failed = await run([
  ['the admin sees the admin pages in the navigation', async () => {
    await login('admin', ADMIN_PASSWORD);
    await page.waitForSelector('a[href="/admin/accounts"]');
    const csp = (await page.request.get(`${server.base}/settings/sms`)).headers()['content-security-policy'];
    assert(csp.includes("'nonce-") && csp.includes("'wasm-unsafe-eval'"), `page CSP: ${csp}`);
  }],
  ['账号管理 explains a weak password beside the field and keeps the name', async () => {
    await page.click('a[href="/admin/accounts"]');
    await page.waitForSelector('#accounts');
    await hydrated();
    await createAccount('look', 'viewer', 'short');
    const err = page.locator('#new-account .field-error[data-field=password]');
    await err.waitFor();
    assert((await err.textContent()).includes('至少需要 10 个字符'), await err.textContent());
    assert(await page.locator('#new-account input[name=username]').inputValue() === 'look', 'name kept');
  }],
  ['a 只读 account is created and listed with its role', async () => {
    await createAccount('look', 'viewer', VIEWER_PW);
    await page.waitForSelector('#accounts tr[data-account=look]');
    const row = page.locator('#accounts tr[data-account=look]');
    assert(await row.locator('select.role').inputValue() === 'viewer', 'role shown');
    assert((await page.textContent('[data-testid=accounts-status]')).includes('已创建账号 look'), 'status line');
  }],
  ['the last admin cannot demote itself', async () => {
    await page.locator('#accounts tr[data-account=admin] select.role').selectOption('operator');
    await page.waitForFunction(() => document.querySelector('[data-testid=accounts-status]')?.textContent.includes('至少要保留一个启用的管理员账号'));
  }],
  ['an API token is shown once, then only by its prefix', async () => {
    await page.goto(`${server.base}/admin/tokens`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.fill('#new-token input[name=name]', 'CRM 同步');
    await page.click('#new-token button[type=submit]');
    await page.waitForSelector('#new-token-value code');
    const token = (await page.textContent('#new-token-value code')).trim();
    assert(/^chuda_[A-Za-z0-9_-]{43}$/.test(token), `token format: ${token}`);
    const api = await page.request.get(`${server.base}/api/v1/attributes`, { headers: { Authorization: `Bearer ${token}` } });
    assert(api.status() === 200, `the token works: ${api.status()}`);
    await page.reload({ waitUntil: 'networkidle' });
    await page.waitForSelector('#tokens tr[data-token="CRM 同步"]');
    assert(!(await page.content()).includes(token), 'the full token is gone after reload');
  }],
  ['审计日志 lists the changes and filters by action', async () => {
    await page.goto(`${server.base}/admin/audit`, { waitUntil: 'networkidle' });
    await page.waitForSelector('#audit tr[data-action=account_create]');
    assert(await page.locator('#audit tr[data-action=token_create]').count() === 1, 'token creation audited');
    await page.selectOption('#audit-filters select[name=action]', 'account_create');
    await page.click('#audit-filters button[type=submit]');
    await page.waitForURL('**action=account_create**');
    await page.waitForSelector('#audit tbody tr');
    const actions = await page.locator('#audit tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.action));
    assert(actions.length === 1 && actions[0] === 'account_create', `filtered: ${actions}`);
  }],
  ['a 只读 account sees no admin pages and no actions', async () => {
    await page.click('#logout');
    await page.waitForURL('**/login');
    await login('look', VIEWER_PW);
    await page.waitForSelector('#sms-settings-readonly');
    assert((await page.textContent('#sms-settings-readonly')).includes('只有管理员可以修改短信配置'), 'read-only notice');
    assert(await page.locator('#chuanglan-form').count() === 0, 'no vendor form');
    assert(await page.locator('a[href="/admin/accounts"]').count() === 0, 'no admin navigation');
    await page.goto(`${server.base}/campaigns`, { waitUntil: 'networkidle' });
    await hydrated();
    assert(await page.locator('#new-campaign').count() === 0, 'no 新建活动');
    const res = await page.goto(`${server.base}/admin/accounts`);
    assert(res.status() === 403, `admin page refused: ${res.status()}`);
  }],
  ['no page error, console error or CSP violation along the way', async () => {
    assert(seen.problems.length === 0, seen.problems.join('\n'));
  }],
]);

await page.screenshot({ path: 'artifacts/team.png', fullPage: true }).catch(() => {});
await cleanup(server, browser);
process.exit(failed ? 1 : 0);
