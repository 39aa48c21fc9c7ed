// Browser test of the full builder in sandbox mode: from users and a segment to a completed
// campaign with its progress bar, then its receipts: statistics filling, 发送记录, 未收到排查 for a
// failed phone, and the user's messages in 用户细查. Usage: node campaign.test.mjs /path/to/chuda
import { startServer, launchBrowser, watch, assert, run, cleanup, hydrated as h, ADMIN_PASSWORD } from './harness.mjs';

const binary = process.argv[2];
// One sandbox message in five gets a failure report, so statistics and 未收到排查 have work.
const server = await startServer(binary, { CHUDA__SENDING__SANDBOX_DELIVERED_RATIO: '0.8' });
const browser = await launchBrowser();
const page = await browser.newPage();
const seen = watch(page);
const hydrated = () => h(page);

let csv = 'user_id,phone,name,city\n';
for (let i = 0; i < 40; i++) csv += `u${i},${13700000000 + i},${i % 4 === 0 ? '' : `用户${i}`},上海\n`;
csv += 'dup,13700000001,重复,上海\n';

async function api(endpoint, body) {
  const r = await page.request.post(`${server.base}/api/${endpoint}`, { data: body });
  assert(r.ok(), `${endpoint}: ${r.status()} ${await r.text()}`);
  return r.json();
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
    // The marketing window open all day, so the test does not depend on the hour it runs at.
    const policy = await api('compliance/policy', {});
    await api('compliance/policy/save', { form: { ...policy, window_start: '00:00', window_end: '24:00' } });
    await page.goto(`${server.base}/users`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.setInputFiles('#f-file', { name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('#import-submit');
    await page.waitForURL(/\/users\?import=\d+/);
    await api('segments/save', { form: { id: null, name: '上海', description: '', kind: 'rule', list: '',
      rule: { all: true, conditions: [{ attribute: 'city', op: 'eq', values: ['上海'] }], groups: [] } } });
  }],
  ['the builder explains missing fields in Chinese', async () => {
    await page.goto(`${server.base}/campaigns/new`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.click('#campaign-preview');
    const err = page.locator('.field-error[data-field=name]');
    await err.waitFor();
    assert((await err.textContent()).includes('活动名称'), await err.textContent());
  }],
  ['preview shows the template note, reconciliation and a rendered sample', async () => {
    await page.fill('#f-name', '周年庆');
    await page.fill('#f-content', '{$var}您好，周年庆满100减20，拒收请回复R');
    await page.locator('.binding-attr').first().selectOption('name');
    await page.locator('.binding-fallback').first().fill('会员');
    await page.click('#campaign-preview');
    await page.waitForSelector('[data-testid=reconciliation]');
    assert(await page.textContent('[data-testid=messages]') === '40', await page.textContent('[data-testid=reconciliation]'));
    assert((await page.textContent('[data-testid=template-note]')).includes('创蓝会在发送前审核'), 'template note');
    const sample = await page.locator('ul.samples li').first().textContent();
    assert(sample.includes('【') && sample.includes('会员您好') && sample.includes('137****0000'), sample);
  }],
  ['测试发送 sends the rendered message to a typed phone through the sandbox', async () => {
    await page.fill('#f-test-phones', '13812345678, 12');
    await page.click('#campaign-test');
    const result = page.locator('[data-testid=campaign-test-result]');
    await result.waitFor();
    const text = await result.textContent();
    assert(text.includes('沙箱') && text.includes('138****5678') && text.includes('msgId') && text.includes('12（'), text);
  }],
  ['立即发送 opens the campaign page, which reaches 已完成 with every message submitted', async () => {
    await page.click('#campaign-send');
    await page.waitForURL(/\/campaigns\/\d+$/);
    await hydrated();
    await page.waitForFunction(() => document.querySelector('[data-testid=campaign-status]')?.textContent === '已完成',
      null, { timeout: 20000 });
    const text = await page.textContent('[data-testid=progress-text]');
    assert(text.includes('计划 40 条') && text.includes('已提交 40'), text);
    assert((await page.textContent('#campaign-progress progress, progress')) !== null, 'progress bar');
  }],
  ['the campaign list shows it completed', async () => {
    await page.goto(`${server.base}/campaigns`, { waitUntil: 'networkidle' });
    const row = await page.locator('#campaigns tbody tr').first().textContent();
    assert(row.includes('周年庆') && row.includes('已完成') && row.includes('沙箱'), row);
  }],
  ['the statistics fill as the sandbox pushes its receipts', async () => {
    await page.locator('#campaigns tbody tr a').first().click();
    await page.waitForURL(/\/campaigns\/\d+$/);
    await hydrated();
    const stat = (key) => `[data-stat=${key}] .stat-num`;
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '0', stat('pending'), { timeout: 20000 });
    const delivered = Number(await page.textContent(stat('delivered')));
    const failedCount = Number(await page.textContent(stat('failed')));
    assert(delivered + failedCount === 40 && delivered > 0 && failedCount > 0, `${delivered} + ${failedCount}`);
    assert(await page.locator('#chart-failures svg g[data-bar]').count() > 0, 'failure reasons chart');
    assert(await page.locator('#chart-deliveries svg g[data-column]').count() > 0, 'deliveries chart');
    const carriers = await page.textContent('#stats-carriers');
    assert(carriers.includes('中国移动'), carriers);
    await page.screenshot({ path: 'artifacts/campaign-stats.png', fullPage: true }).catch(() => {});
  }],
  ['发送记录 lists the failed messages and 未收到排查 explains one', async () => {
    await page.click('#stats-failed');
    await page.waitForURL(/\/ledger\?campaign=\d+&status=failed/);
    const rows = page.locator('#ledger-rows tbody tr');
    await rows.first().waitFor();
    const category = await rows.first().getAttribute('data-category');
    assert(category.startsWith('failed_'), category);
    const text = await rows.first().textContent();
    assert(text.includes('137****') && text.includes('失败'), text);
    await rows.first().locator('a[title=未收到排查]').click();
    await page.waitForURL(/\/troubleshoot\?message=\d+/);
    const explanation = await page.textContent('[data-testid=trace-explanation]');
    assert(explanation.length > 4, explanation);
    assert((await page.textContent('[data-testid=trace-category]')).includes('失败'), 'category');
    const timeline = await page.textContent('ol.timeline');
    assert(timeline.includes('入队') && timeline.includes('第 1 次提交') && timeline.includes('回执'), timeline);
    assert((await page.textContent('[data-testid=trace-advice]')).startsWith('下一步'), 'advice');
    await page.screenshot({ path: 'artifacts/troubleshoot.png', fullPage: true }).catch(() => {});
  }],
  ['未收到排查 by a typed phone, and 用户细查 shows the user\'s messages', async () => {
    await page.goto(`${server.base}/troubleshoot`, { waitUntil: 'networkidle' });
    await page.fill('#f-trace-phone', '137 0000 0001');
    await page.click('#trace-form button[type=submit]');
    await page.waitForURL(/phone=/);
    await page.waitForSelector('[data-testid=trace-summary]');
    assert((await page.textContent('[data-testid=trace-summary]')).includes('共 1 条'), await page.textContent('[data-testid=trace-summary]'));
    await page.goto(`${server.base}/users/lookup?q=u1`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.waitForSelector('ul[data-testid=detail-messages]');
    assert((await page.textContent('[data-testid=detail-messages]')).includes('周年庆'), 'user messages');
  }],
  ['no page errors or console errors', async () => {
    assert(seen.problems.length === 0, seen.problems.join('\n'));
  }],
]);
await page.screenshot({ path: 'artifacts/campaign.png', fullPage: true }).catch(() => {});
if (failed) console.log(`server log:\n${server.log()}`);
await cleanup(server, browser);
process.exit(failed ? 1 : 0);
