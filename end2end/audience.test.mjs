// Browser tests of users and segments: import through the upload form, 用户细查 with the
// audited reveal, the segment editor's live count and field errors, and the member list.
// Usage: node audience.test.mjs /path/to/chuda
import { startServer, launchBrowser, watch, assert, run, cleanup, hydrated as h, ADMIN_PASSWORD } from './harness.mjs';

const binary = process.argv[2];
const server = await startServer(binary);
const browser = await launchBrowser();
const page = await browser.newPage();
const seen = watch(page);
const hydrated = () => h(page);

const CSV = 'user_id,phone,city,points,vip\n'
  + 'u1,13800138001,上海,100,true\n'
  + 'u2,13800138002,北京,250,false\n'
  + 'u3,,上海,300,true\n'
  + 'u4,13800138004,广州,,false\n'
  + 'u5,not-a-phone,上海,50,false\n'
  + ',13800138009,北京,1,true\n'
  + 'u6,+86 138-0013-8002,深圳,9,false\n';

async function liveCount(expected) {
  const line = page.locator('[data-testid=live-count]');
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.textContent.includes(text),
    ['[data-testid=live-count]', expected], { timeout: 10000 },
  ).catch(async () => { throw new Error(`live count: ${await line.textContent()}`); });
}

const failed = await run([
  ['the admin logs in', async () => {
    await page.goto(`${server.base}/login`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.fill('#username', 'admin');
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL('**/settings/sms');
  }],
  ['a CSV uploaded on 用户 is imported and its skipped row explained', async () => {
    await page.goto(`${server.base}/users`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.setInputFiles('#f-file', { name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.click('#import-submit');
    await page.waitForURL(/\/users\?import=\d+/);
    const summary = await page.locator('[data-testid=import-summary]').textContent();
    assert(summary.includes('成功 6 行') && summary.includes('跳过 1 行') && summary.includes('新增用户 6')
      && summary.includes('手机号无效 1 行'), summary);
    assert(await page.locator('#bad-rows-link').count() === 1, 'bad-row download offered');
    assert(await page.textContent('[data-testid=users-total]') === '6', 'user count');
    assert(await page.textContent('[data-testid=users-with-phone]') === '4', 'valid phones');
    assert(await page.textContent('[data-testid=users-shared-phone]') === '2', 'u2 and u6 share a phone');
    const attrs = await page.locator('#attributes').textContent();
    assert(attrs.includes('points') && attrs.includes('数字') && !attrs.includes('13800138001'), attrs);
  }],
  ['a bad type choice is refused before importing, a good one is applied', async () => {
    await page.goto(`${server.base}/users`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.fill('#f-types', 'grade=整数');
    await page.setInputFiles('#f-file', { name: 'g.csv', mimeType: 'text/csv', buffer: Buffer.from('user_id,grade\nu1,007\n') });
    await page.click('#import-submit');
    const failed = page.locator('[data-testid=upload-failed]');
    await failed.waitFor();
    assert((await failed.textContent()).includes('不是可选的类型'), await failed.textContent());
    assert(!(await page.locator('#attributes').textContent()).includes('grade'), 'nothing imported');
    await page.fill('#f-types', 'grade=数字');
    await page.click('#import-submit');
    await page.waitForURL(/\/users\?import=\d+/);
    await page.waitForSelector('[data-testid=import-summary]');
    const row = await page.locator('#attributes tr[data-attr=grade]').textContent();
    assert(row.includes('数字') && row.includes('7'), row);
  }],
  ['用户细查 finds a user by the last digits and reveals the phone on request', async () => {
    await page.goto(`${server.base}/users/lookup`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.fill('#f-query', '8001');
    await page.click('#lookup-form button[type=submit]');
    await page.waitForSelector('#user-detail');
    assert(await page.textContent('[data-testid=detail-phone]') === '138****8001', 'masked first');
    const city = await page.locator('#detail-attributes tr[data-attr=city]').textContent();
    assert(city.includes('上海'), city);
    await page.click('#reveal-phone');
    await page.waitForFunction(() => document.querySelector('[data-testid=detail-phone]')?.textContent === '13800138001');
  }],
  ['an unknown user is reported in Chinese', async () => {
    await page.fill('#f-query', 'nobody');
    await page.click('#lookup-form button[type=submit]');
    await page.waitForSelector('[data-testid=lookup-empty]');
  }],
  ['the segment editor counts live and explains a bad value', async () => {
    await page.goto(`${server.base}/segments/new`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.fill('#f-name', '上海高积分');
    const first = page.locator('.condition').first();
    await first.locator('.cond-attr').selectOption('city');
    await first.locator('.cond-value').fill('上海');
    await liveCount('共 3 人，其中有效手机号 1 人');
    await page.locator('.add-condition').first().click();
    const second = page.locator('.condition').nth(1);
    await second.locator('.cond-attr').selectOption('points');
    await second.locator('.cond-op').selectOption('gt');
    await second.locator('.cond-value').fill('abc');
    await liveCount('不是有效的数字');
    await second.locator('.cond-value').fill('60');
    await liveCount('共 2 人');
  }],
  ['a nested 或 group narrows the count', async () => {
    await page.goto(`${server.base}/segments/new`, { waitUntil: 'networkidle' });
    await hydrated();
    const top = page.locator('.condition').first();
    await top.locator('.cond-attr').selectOption('points');
    await top.locator('.cond-op').selectOption('gt');
    await top.locator('.cond-value').fill('20');
    await liveCount('共 4 人');
    await page.click('#add-group');
    const group = page.locator('.group').first();
    await group.locator('.condition').first().locator('.cond-attr').selectOption('city');
    await group.locator('.condition').first().locator('.cond-value').fill('北京');
    await group.locator('.add-condition').click();
    await group.locator('.condition').nth(1).locator('.cond-attr').selectOption('city');
    await group.locator('.condition').nth(1).locator('.cond-value').fill('广州');
    await liveCount('共 1 人');
    await page.goto(`${server.base}/segments/new`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.fill('#f-name', '上海高积分');
    const first = page.locator('.condition').first();
    await first.locator('.cond-attr').selectOption('city');
    await first.locator('.cond-value').fill('上海');
    await page.locator('.add-condition').first().click();
    const second = page.locator('.condition').nth(1);
    await second.locator('.cond-attr').selectOption('points');
    await second.locator('.cond-op').selectOption('gt');
    await second.locator('.cond-value').fill('60');
    await liveCount('共 2 人');
  }],
  ['saving opens the segment with its members, phones masked', async () => {
    await page.click('#segment-save');
    await page.waitForURL(/\/segments\/\d+$/);
    await page.waitForSelector('#members');
    await hydrated();
    const count = await page.textContent('[data-testid=members-count]');
    assert(count.includes('共 2 人'), count);
    const rows = await page.locator('#members tbody tr').allTextContents();
    assert(rows.length === 2 && rows[0].includes('u1') && rows[0].includes('138****8001'), rows.join(' | '));
    await page.check('#member-columns input[value=points]');
    await page.waitForFunction(() => document.querySelector('#members thead')?.textContent.includes('points'));
    const first = await page.locator('#members tbody tr').first().textContent();
    assert(first.includes('100'), first);
    assert((await page.getAttribute('#export-members', 'href')).endsWith('columns=points'), 'export keeps the columns');
  }],
  ['a member opens in 用户细查 with the segments it belongs to', async () => {
    await page.click('#members tbody tr:first-child a');
    await page.waitForURL(/\/users\/lookup\?q=u1/);
    await page.waitForSelector('#user-detail');
    const segments = await page.textContent('[data-testid=detail-segments]');
    assert(segments.includes('上海高积分'), segments);
    assert(await page.textContent('[data-testid=detail-phone]') === '138****8001', 'masked');
  }],
  ['a duplicate name is rejected beside the field', async () => {
    await page.goto(`${server.base}/segments/new`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.fill('#f-name', '上海高积分');
    await page.locator('.condition').first().locator('.cond-attr').selectOption('vip');
    await page.locator('.condition').first().locator('.cond-value').fill('是');
    await page.click('#segment-save');
    const err = page.locator('.field-error[data-field=name]');
    await err.waitFor();
    assert((await err.textContent()).includes('已存在'), await err.textContent());
    assert(await page.inputValue('#f-name') === '上海高积分', 'typed name kept');
  }],
  ['the segment list shows the saved count', async () => {
    await page.goto(`${server.base}/segments`, { waitUntil: 'networkidle' });
    const row = await page.locator('#segments tr[data-segment=上海高积分]').textContent();
    assert(row.includes('条件分群') && row.includes('2'), row);
  }],
  ['a list segment from a file matches user ids and phones and reports the rest', async () => {
    await page.goto(`${server.base}/segments/new`, { waitUntil: 'networkidle' });
    await hydrated();
    await page.fill('#f-name', 'VIP 名单');
    await page.check('#segment-kind input[value=list]');
    await page.setInputFiles('#f-list-file', { name: 'ids.csv', mimeType: 'text/csv', buffer: Buffer.from('user_id\nu2\n+86 138 0013 8004\nghost\n') });
    await page.waitForFunction(() => document.querySelector('#f-list')?.value.includes('ghost'));
    await page.click('#segment-save');
    await page.waitForURL(/\/segments\/\d+\?unknown=1$/);
    await page.waitForSelector('[data-testid=unknown-ids]');
    const count = await page.textContent('[data-testid=members-count]');
    assert(count.includes('共 2 人'), count);
  }],
  ['only the audited reveal ever carried a full phone number', async () => {
    const leaks = seen.bodies.filter((b) => /1380013800[24]/.test(b.text) && !b.url.includes('/api/users/import'));
    assert(leaks.length === 0, `full phone in ${leaks.map((l) => l.url).join(', ')}`);
  }],
  ['no page errors or console errors', async () => {
    assert(seen.problems.length === 0, seen.problems.join('\n'));
  }],
]);
await page.screenshot({ path: 'artifacts/audience.png', fullPage: true }).catch(() => {});
if (failed) console.log(`server log:\n${server.log()}`);
await cleanup(server, browser);
process.exit(failed ? 1 : 0);
