// Browser tests of the console, against a running `zhijian demo` whose
// address and logins scripts/browser-test passes in the environment:
// ZHIJIAN_URL, ZHIJIAN_LOGINS (JSON user → password), ZHIJIAN_RECEIVED
// (what the demo's summary said it received), SCREENSHOTS (a folder).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.ZHIJIAN_URL;
const logins = JSON.parse(process.env.ZHIJIAN_LOGINS || '{}');
const shots = process.env.SCREENSHOTS || 'artifacts/screenshots';
mkdirSync(shots, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
});
after(async () => { await browser?.close(); });

// signIn opens a fresh browser context and logs user in through the form.
async function signIn(user, lang = 'en') {
  const ctx = await browser.newContext({ locale: lang === 'en' ? 'en-US' : 'zh-CN', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${base}/login?lang=${lang}`);
  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', logins[user]);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  return { ctx, page };
}

test('every role signs in and sees the dashboard', async () => {
  for (const user of ['admin', 'qa', 'trainer', 'client-acme-express']) {
    assert.ok(logins[user], `no login for ${user}`);
    const { ctx, page } = await signIn(user);
    assert.match(await page.textContent('header .who'), new RegExp(`^${user} \\(`));
    assert.ok(await page.isVisible('svg.chart[role=img]'));
    await page.screenshot({ path: join(shots, `dashboard-${user}.png`), fullPage: true });
    await ctx.close();
  }
});

test('a wrong password is refused and says so', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${base}/login?lang=en`);
  await page.fill('input[name=user]', 'qa');
  await page.fill('input[name=password]', 'not-the-password');
  await page.click('button[type=submit]');
  await page.waitForSelector('.error[role=alert]');
  await page.screenshot({ path: join(shots, 'login-refused.png') });
  await ctx.close();
});

test("the dashboard's numbers are the store's", async () => {
  const { ctx, page } = await signIn('admin');
  const received = await page.textContent('[data-kpi=received]');
  assert.equal(received, process.env.ZHIJIAN_RECEIVED);
  const api = await (await page.request.get(`${base}/api/v1/dashboard`)).json();
  assert.equal(Number(received), api.summary.Received);
  assert.equal(Number(await page.textContent('[data-kpi=flagged]')), api.summary.Flagged);
  // The table behind the chart adds up to the total.
  const rows = await page.$$eval('table.data tbody tr', trs => trs.map(tr => Number(tr.children[1]?.textContent)));
  assert.equal(rows.filter(n => !Number.isNaN(n)).length > 0, true);
  await ctx.close();
});

test("a client opening another tenant's dashboard by URL gets a 404", async () => {
  const { ctx, page } = await signIn('client-acme-express');
  const resp = await page.goto(`${base}/?tenant=shopwell`);
  assert.equal(resp.status(), 404);
  const api = await page.request.get(`${base}/api/v1/dashboard?tenant=shopwell`);
  assert.equal(api.status(), 404);
  const own = await (await page.request.get(`${base}/api/v1/dashboard`)).json();
  assert.deepEqual(own.tenants, ['acme-express']);
  await ctx.close();
});

test('the language switch changes the words', async () => {
  const { ctx, page } = await signIn('qa', 'zh');
  assert.match(await page.textContent('main h1'), /覆盖率看板/);
  await page.click('header a.lang');
  await page.waitForURL(/lang=en/);
  assert.match(await page.textContent('main h1'), /Coverage/);
  await page.screenshot({ path: join(shots, 'dashboard-qa-zh-to-en.png'), fullPage: true });
  await ctx.close();
});
