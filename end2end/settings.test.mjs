// Browser tests of the foundation: login, the 短信配置 page, write-only secrets, field errors.
// Usage: node settings.test.mjs /path/to/chuda
import { startServer, launchBrowser, watch, assert, run, cleanup, hydrated as h, ADMIN_PASSWORD } from './harness.mjs';

const binary = process.argv[2];
const PLANTED = 'Planted-Browser-Secret-5d1e';
const server = await startServer(binary);
const browser = await launchBrowser();
const page = await browser.newPage();
const seen = watch(page);

const hydrated = () => h(page);

async function login(password) {
  await page.fill('#username', 'admin');
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

const failed = await run([
  ['an anonymous visitor is sent to the login page', async () => {
    await page.goto(`${server.base}/settings/sms`, { waitUntil: 'networkidle' });
    assert(page.url().endsWith('/login'), `url ${page.url()}`);
    assert((await page.textContent('h1')).includes('触达'), 'login heading');
  }],
  ['a wrong password shows a Chinese error', async () => {
    await hydrated();
    await login('definitely-wrong');
    await page.waitForSelector('#login-error');
    assert((await page.textContent('#login-error')).includes('用户名或密码错误'), 'error text');
    assert(page.url().endsWith('/login'), 'still on login');
  }],
  ['the admin logs in and lands on 短信配置', async () => {
    await login(ADMIN_PASSWORD);
    await page.waitForURL('**/settings/sms');
    await page.waitForSelector('#chuanglan-card');
    await hydrated();
    assert((await page.textContent('h1')).includes('短信配置'), 'page heading');
    assert((await page.textContent('#chuanglan-card')).includes('{$var}'), 'endpoint help mentions {$var}');
  }],
  ['an invalid signature is explained beside the field and typed values stay', async () => {
    await hydrated();
    const card = page.locator('#chuanglan-form');
    await card.locator('input[name=signature]').fill('店');
    await card.locator('input[name=account]').fill('N1234567');
    await card.locator('input[name=password]').fill(PLANTED);
    await card.locator('input[name=host]').fill('https://smssh1.253.com/msg/send/json');
    await card.locator('#chuanglan-save').click();
    const err = card.locator('.field-error[data-field=signature]');
    await err.waitFor();
    assert((await err.textContent()).includes('签名长度'), `signature error: ${await err.textContent()}`);
    assert(await card.locator('input[name=account]').inputValue() === 'N1234567', 'account kept');
    assert(await card.locator('input[name=password]').inputValue() === PLANTED, 'password kept');
    assert(await card.locator('.field-error').count() === 1, 'only the signature is wrong');
  }],
  ['saving normalizes the card and hides the password as 已设置', async () => {
    const card = page.locator('#chuanglan-form');
    await card.locator('input[name=signature]').fill('【示例商城】');
    await card.locator('input[name=enabled]').check();
    await card.locator('#chuanglan-save').click();
    await card.locator('[data-testid=chuanglan-saved]', { hasText: '已保存' }).waitFor();
    assert(await card.locator('input[name=host]').inputValue() === 'smssh1.253.com', 'host normalized');
    assert(await card.locator('[data-secret=password]').textContent() === '已设置', 'password shown as set');
  }],
  ['after a reload the values and 已设置 are still there', async () => {
    await page.reload({ waitUntil: 'networkidle' });
    await hydrated();
    const card = page.locator('#chuanglan-card');
    assert(await card.locator('input[name=signature]').inputValue() === '示例商城', 'signature');
    assert(await card.locator('input[name=account]').inputValue() === 'N1234567', 'account');
    assert(await card.locator('input[name=host]').inputValue() === 'smssh1.253.com', 'host');
    assert(await card.locator('input[name=enabled]').isChecked(), 'enabled');
    assert(await card.locator('[data-secret=password]').textContent() === '已设置', '已设置 after reload');
    assert(await card.locator('input[name=password]').count() === 0, 'no password input until 替换');
  }],
  ['替换 reveals an empty password input', async () => {
    await hydrated();
    await page.click('[data-replace=password]');
    const input = page.locator('#chuanglan-card input[name=password]');
    await input.waitFor();
    assert(await input.inputValue() === '', 'empty, never prefilled');
  }],
  ['the phone attribute is saved and shown on reload', async () => {
    await page.fill('#f-phone_attribute', 'mobile');
    await page.click('#phone-card button[type=submit]');
    await page.locator('[data-testid=phone-status]', { hasText: '已保存' }).waitFor();
    await page.reload({ waitUntil: 'networkidle' });
    await hydrated();
    assert(await page.inputValue('#f-phone_attribute') === 'mobile', 'phone attribute persisted');
  }],
  ['沙箱模式 test send from the 创蓝 card shows the msgId', async () => {
    const card = page.locator('#chuanglan-card');
    await card.locator('input[name=sandbox]').check();
    await card.locator('h2 .badge.sandbox').waitFor();
    const form = page.locator('#chuanglan-test-send');
    await form.locator('textarea[name=test_phones]').fill('13800138000, 1234');
    await form.locator('textarea[name=test_content]').fill('尊敬的{$var}，您好');
    await form.locator('input[name=test_values]').fill('王女士');
    await form.locator('button[type=submit]').click();
    const msgId = form.locator('[data-testid=test-send-msgid]');
    await msgId.waitFor();
    assert(/^\d{17}$/.test(await msgId.textContent()), `msgId ${await msgId.textContent()}`);
    const result = await form.locator('[data-testid=test-send-result]').textContent();
    assert(result.includes('沙箱') && result.includes('/msg/variable/json') && result.includes('138****8000'), result);
    const invalid = await form.locator('[data-testid=test-send-invalid]').textContent();
    assert(invalid.includes('1234') && invalid.includes('11 位'), invalid);
  }],
  ['a missing {$var} value is explained beside the field', async () => {
    const form = page.locator('#chuanglan-test-send');
    await form.locator('input[name=test_values]').fill('');
    await form.locator('button[type=submit]').click();
    const err = form.locator('.field-error[data-field=test_values]');
    await err.waitFor();
    assert((await err.textContent()).includes('1 个 {$var}'), await err.textContent());
  }],
  ['no response the browser received contained the secret', async () => {
    const leaks = seen.bodies.filter((b) => b.text.includes(PLANTED));
    assert(leaks.length === 0, `secret in ${leaks.map((l) => l.url).join(', ')}`);
    assert(seen.urls.some((u) => u.endsWith('/pkg/chuda.wasm')), 'wasm was loaded (hydration)');
  }],
  ['no page errors or console errors', async () => {
    assert(seen.problems.length === 0, seen.problems.join('\n'));
  }],
]);
await page.screenshot({ path: 'artifacts/settings.png', fullPage: true }).catch(() => {});
if (failed) console.log(`server log:\n${server.log()}`);
await cleanup(server, browser);
process.exit(failed ? 1 : 0);
