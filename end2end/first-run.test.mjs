// Browser test of 开始使用 on a new installation: the checklist on the home page is walked
// step by step through the console — sample CSV downloaded and imported, 沙箱模式, a segment,
// a sandbox campaign delivered — each step ticked from real state, then hidden for good. On
// the way it checks the builder's segmented 内容来源, the 定时发送 picker refusing a past time
// and the vendor cards' saved state beside their switch. Usage: node first-run.test.mjs /path/to/chuda
import { startServer, launchBrowser, watch, assert, run, cleanup, hydrated as h, ADMIN_PASSWORD } from './harness.mjs';

const binary = process.argv[2];
const server = await startServer(binary);
const browser = await launchBrowser();
const page = await browser.newPage();
const seen = watch(page);
const hydrated = () => h(page);
let started = 0;

async function home() {
  await page.goto(`${server.base}/settings/sms`, { waitUntil: 'networkidle' });
  await hydrated();
  await page.waitForSelector('#first-run');
}
const done = async (step) => (await page.getAttribute(`#first-run li[data-step=${step}]`, 'class') || '').includes('done');
const progress = () => page.textContent('#first-run-progress');

const failed = await run([
  ['a new installation shows the checklist with nothing done', async () => {
    await page.goto(`${server.base}/login`, { waitUntil: 'networkidle' });
    await hydrated();
    started = Date.now();
    await page.fill('#username', 'admin');
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL('**/settings/sms');
    await page.waitForSelector('#first-run');
    assert(await progress() === '已完成 0/5', await progress());
    const text = await page.textContent('#first-run');
    for (const s of ['设置手机号属性', '配置服务商或开启沙箱', '导入用户', '建分群', '发一个沙箱活动']) assert(text.includes(s), s);
  }],
  ['a vendor card shows its saved state beside an explicit switch', async () => {
    const card = page.locator('#aliyun-card');
    assert(await card.locator('.vendor-status').textContent() === '已停用', await card.locator('.vendor-status').textContent());
    await card.locator('input[name=enabled]').check();
    assert((await card.locator('.vendor-state').textContent()).includes('保存后开通'), await card.locator('.vendor-state').textContent());
    assert(await card.locator('.vendor-status').textContent() === '已停用', 'unchanged until saved');
    await card.locator('input[name=enabled]').uncheck();
  }],
  ['the sample CSV downloads and imports 1,000 users', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sample-csv')]);
    const path = await download.path();
    assert(download.suggestedFilename() === 'chuda-sample-users.csv', download.suggestedFilename());
    await page.click('#first-run li[data-step=users] > a');
    await page.waitForURL('**/users');
    await hydrated();
    await page.setInputFiles('#f-file', path);
    await page.click('#import-submit');
    await page.waitForURL(/\/users\?import=\d+/);
    await page.waitForSelector('[data-testid=users-total]');
    assert(await page.textContent('[data-testid=users-total]') === '1000', await page.textContent('[data-testid=users-total]'));
    await home();
    assert(await done('users') && await done('phone_attribute') && !(await done('vendor')), await progress());
  }],
  ['沙箱模式 ticks the vendor step', async () => {
    await page.locator('#chuanglan-card input[name=sandbox]').check();
    await page.waitForSelector('#chuanglan-card .badge.sandbox');
    await home();
    assert(await done('vendor'), await progress());
  }],
  ['a segment built in the editor ticks its step', async () => {
    await page.click('#first-run li[data-step=segment] > a');
    await page.waitForURL('**/segments/new');
    await hydrated();
    await page.fill('#f-name', '上海会员');
    const first = page.locator('.condition').first();
    await first.locator('.cond-attr').selectOption('city');
    await first.locator('.cond-value').fill('上海');
    await page.click('#segment-save');
    await page.waitForURL(/\/segments\/\d+$/);
    await home();
    assert(await done('segment') && await progress() === '已完成 4/5', await progress());
  }],
  ['the builder: 内容来源 is a segmented control and 定时发送 refuses a past time', async () => {
    await page.click('#first-run li[data-step=campaign] > a');
    await page.waitForURL('**/campaigns/new');
    await hydrated();
    await page.click('label.segment:has(#f-mode-template)');
    await page.waitForSelector('#f-template_id');
    await page.click('label.segment:has(#f-mode-text)');
    await page.waitForSelector('#f-content');
    assert(await page.getAttribute('#f-schedule', 'type') === 'datetime-local', 'a date-time picker');
    const min = await page.getAttribute('#f-schedule', 'min');
    assert(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(min), min);
    await page.fill('#f-schedule', '2020-05-20T08:30');
    const err = page.locator('.field-error[data-field=schedule]');
    await err.waitFor();
    assert((await err.textContent()).includes('已过'), await err.textContent());
    await page.click('#schedule-clear');
    await err.waitFor({ state: 'detached' });
  }],
  ['a notification campaign sent to the segment completes and ticks the last step', async () => {
    await page.fill('#f-name', '第一次沙箱活动');
    await page.click('label.segment:has(#f-kind-notification)');
    await page.fill('#f-content', '您的会员积分已到账，详情请查看小程序');
    await page.click('#campaign-send');
    await page.waitForURL(/\/campaigns\/\d+$/);
    await hydrated();
    await page.waitForFunction(() => document.querySelector('[data-testid=campaign-status]')?.textContent === '已完成',
      null, { timeout: 30000 });
    await home();
    assert(await progress() === '已完成 5/5', await progress());
    await page.waitForSelector('#first-run-complete');
    console.log(`     from login to a delivered sandbox campaign: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }],
  ['隐藏引导 hides the checklist for good', async () => {
    await page.click('#first-run-dismiss');
    await page.waitForSelector('#first-run', { state: 'hidden' });
    await page.waitForTimeout(300);
    await page.goto(`${server.base}/settings/sms`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.waitForSelector('#chuanglan-card');
    assert(await page.locator('#first-run').count() === 0, 'still hidden after a reload');
  }],
  ['no page errors or console errors', async () => {
    assert(seen.problems.length === 0, seen.problems.join('\n'));
  }],
]);
await page.screenshot({ path: 'artifacts/first-run.png', fullPage: true }).catch(() => {});
if (failed) console.log(`server log:\n${server.log()}`);
await cleanup(server, browser);
process.exit(failed ? 1 : 0);
