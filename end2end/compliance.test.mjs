// Browser test of compliance: the builder's message type and live content checks (添加退订语),
// 退订名单 (add with a reason, masked list, remove refused for an unknown phone), the reconciliation's
// 已退订 row, 合规设置 holding a marketing campaign outside its window (窗口外等待) and releasing it.
// Usage: node compliance.test.mjs /path/to/chuda
import { startServer, launchBrowser, watch, assert, run, cleanup, hydrated as h, ADMIN_PASSWORD } from './harness.mjs';

const binary = process.argv[2];
const server = await startServer(binary);
const browser = await launchBrowser();
const page = await browser.newPage();
const seen = watch(page);
const hydrated = () => h(page);

let csv = 'user_id,phone,name\n';
for (let i = 0; i < 12; i++) csv += `u${i},${13600000000 + i},用户${i}\n`;

async function api(endpoint, body) {
  const r = await page.request.post(`${server.base}/api/${endpoint}`, { data: body });
  assert(r.ok(), `${endpoint}: ${r.status()} ${await r.text()}`);
  return r.json();
}

/// `HH:MM` of Beijing time `minutes` from now.
function beijing(minutes) {
  const d = new Date(Date.now() + minutes * 60000 + 8 * 3600000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

async function fillBuilder(name) {
  await page.goto(`${server.base}/campaigns/new`, { waitUntil: 'networkidle' });
  await hydrated();
  await page.fill('#f-name', name);
  await page.fill('#f-content', '{$var}您好，会员日满100减20');
  await page.locator('.binding-attr').first().selectOption('name');
}

const failed = await run([
  ['setup: login, sandbox on, users imported, a segment saved', async () => {
    await page.goto(`${server.base}/login`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.fill('#username', 'admin');
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL('**/settings/sms');
    await api('settings/chuanglan/sandbox', { on: true });
    await page.goto(`${server.base}/users`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.setInputFiles('#f-file', { name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('#import-submit');
    await page.waitForURL(/\/users\?import=\d+/);
    await api('segments/save', { form: { id: null, name: '全部', description: '', kind: 'rule', list: '',
      rule: { all: true, conditions: [{ attribute: 'name', op: 'is_set', values: [] }], groups: [] } } });
  }],
  ['a new installation shows the compliance defaults in 合规设置', async () => {
    await page.goto(`${server.base}/settings/sms`, { waitUntil: 'networkidle' });
    await hydrated();
    assert(await page.inputValue('#f-policy_start') === '08:00', 'window start');
    assert(await page.inputValue('#f-policy_end') === '21:00', 'window end');
    assert(await page.inputValue('#f-daily_cap') === '3', 'daily cap');
    assert(await page.inputValue('#f-retention_days') === '180', 'retention');
    await page.fill('#f-retention_days', '30');
    await page.click('#compliance-save');
    const err = page.locator('#compliance-card .field-error[data-field=retention_days]');
    await err.waitFor();
    assert((await err.textContent()).includes('180'), await err.textContent());
    await page.fill('#f-retention_days', '180');
  }],
  ['the builder checks marketing content live and appends 拒收请回复R', async () => {
    await fillBuilder('会员日');
    assert(await page.isChecked('#f-kind-marketing'), '营销 is the default');
    const checks = page.locator('[data-testid=content-checks]');
    await page.waitForFunction(() => document.querySelector('[data-testid=content-checks]')?.textContent.includes('须以“拒收请回复R”结尾'));
    await page.click('#append-suffix');
    assert((await page.inputValue('#f-content')).endsWith(' 拒收请回复R'), await page.inputValue('#f-content'));
    await page.waitForFunction(() => !document.querySelector('[data-testid=content-checks] .field-error'));
    await page.click('label.segment:has(#f-kind-notification)');
    await page.waitForFunction(() => document.querySelector('[data-testid=content-checks]')?.textContent.includes('通知短信不能包含'));
    assert(await page.locator('#f-window_start').count() === 0, 'no window for notifications');
    await page.click('label.segment:has(#f-kind-marketing)');
    await page.waitForFunction(() => !document.querySelector('[data-testid=content-checks] .field-error'));
    assert((await checks.textContent()).includes('计费'), await checks.textContent());
  }],
  ['退订名单 adds a phone with a reason, lists it masked and refuses an unknown removal', async () => {
    await page.goto(`${server.base}/suppressions`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.fill('#f-phones', '13600000003');
    await page.click('#suppression-add-submit');
    await page.locator('#suppression-add .field-error[data-field=reason]').waitFor();
    await page.fill('#f-reason', '用户来电要求退订');
    await page.click('#suppression-add-submit');
    await page.waitForFunction(() => document.querySelector('[data-testid=suppression-add-status]')?.textContent.includes('已加入 1 个'));
    await page.waitForFunction(() => document.querySelector('#suppression-list tbody')?.textContent.includes('136****0003'));
    const list = await page.textContent('#suppression-list');
    assert(!list.includes('13600000003') && list.includes('手动添加') && list.includes('用户来电要求退订'), list);
    await page.fill('#f-remove_phone', '13600000099');
    await page.fill('#f-remove_reason', '书面同意');
    await page.click('#suppression-remove-submit');
    const err = page.locator('#suppression-remove .field-error[data-field=remove_phone]');
    await err.waitFor();
    assert((await err.textContent()).includes('不在退订名单'), await err.textContent());
  }],
  ['outside the window the preview warns and the campaign waits; a wider window releases it', async () => {
    await page.goto(`${server.base}/settings/sms`, { waitUntil: 'networkidle' });
    await hydrated();
    // A window starting in two hours (or 01:00–02:00 late in the evening) does not contain now.
    const late = Number(beijing(0).slice(0, 2)) >= 20;
    await page.fill('#f-policy_start', late ? '01:00' : beijing(120));
    await page.fill('#f-policy_end', late ? '02:00' : beijing(180));
    await page.click('#compliance-save');
    await page.waitForFunction(() => document.querySelector('[data-testid=compliance-saved]')?.textContent.includes('已保存'));
    await fillBuilder('夜间活动');
    await page.click('#append-suffix');
    await page.click('#campaign-preview');
    await page.waitForSelector('[data-testid=reconciliation]');
    assert(await page.textContent('[data-testid=suppressed]') === '1', await page.textContent('[data-testid=reconciliation]'));
    assert(await page.textContent('[data-testid=messages]') === '11', 'eleven messages');
    assert((await page.textContent('[data-testid=hold-note]')).includes('自动发送'), 'hold note');
    await page.click('#campaign-send');
    await page.waitForURL(/\/campaigns\/\d+$/);
    await hydrated();
    await page.waitForFunction(() => document.querySelector('[data-testid=campaign-status]')?.textContent === '窗口外等待',
      null, { timeout: 20000 });
    assert((await page.textContent('[data-testid=status-reason]')).includes('自动继续'), 'resume time shown');
    const policy = await api('compliance/policy', {});
    await api('compliance/policy/save', { form: { ...policy, window_start: '00:00', window_end: '24:00' } });
    await page.waitForFunction(() => document.querySelector('[data-testid=campaign-status]')?.textContent === '已完成',
      null, { timeout: 20000 });
    const text = await page.textContent('[data-testid=progress-text]');
    assert(text.includes('已提交 11') && text.includes('合规拦截（退订/超频）1'), text);
  }],
  ['no full phone in any response and no page or console errors', async () => {
    const leaked = seen.bodies.filter((b) => b.text.includes('13600000003') && !b.url.includes('/suppressions/add'));
    assert(leaked.length === 0, leaked.map((b) => b.url).join('\n'));
    assert(seen.problems.length === 0, seen.problems.join('\n'));
  }],
]);
await page.screenshot({ path: 'artifacts/compliance.png', fullPage: true }).catch(() => {});
if (failed) console.log(`server log:\n${server.log()}`);
await cleanup(server, browser);
process.exit(failed ? 1 : 0);
