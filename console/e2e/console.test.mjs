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

// near says a percentage as the page prints it (one decimal) is want.
const near = (text, want) => assert.ok(Math.abs(parseFloat(text) - want) <= 0.05 + 1e-9, `${text} is not ${want}`);
const total = (days, key) => days.reduce((n, d) => n + d[key], 0);

test("the dashboard's numbers are the store's", async () => {
  const { ctx, page } = await signIn('admin');
  const kpi = async name => (await page.textContent(`[data-kpi=${name}]`)).trim();
  const received = await kpi('received');
  assert.equal(received, process.env.ZHIJIAN_RECEIVED);
  const api = await (await page.request.get(`${base}/api/v1/dashboard`)).json();
  assert.equal(api.narrowed, false);
  // Unfiltered, the KPIs are the store's summary, and the days add up to it.
  assert.equal(Number(received), api.kpis.received);
  assert.equal(api.kpis.received, api.summary.received);
  assert.equal(api.kpis.received, total(api.days, 'received'));
  assert.equal(Number(await kpi('flagged')), api.kpis.flagged);
  assert.equal(api.kpis.flagged, api.summary.flagged);
  // Critical violations are the days' sum; the pass rate is passed of results.
  assert.equal(Number(await kpi('critical')), api.kpis.critical);
  assert.equal(api.kpis.critical, total(api.days, 'critical'));
  assert.equal(api.kpis.passed, api.summary.passed);
  assert.equal(api.kpis.results, api.summary.results);
  near(await kpi('pass_rate'), 100 * api.kpis.passed / api.kpis.results);
  near(await kpi('avg_score'), api.summary.avg_score);
  // The tables behind the charts hold the days' numbers.
  const column = (chart, i) => page.$$eval(`table[data-chart=${chart}] tbody tr`,
    (trs, i) => trs.map(tr => Number(tr.children[i].textContent)), i);
  assert.ok(api.days.length > 0);
  assert.deepEqual(await column('coverage', 1), api.days.map(d => d.received));
  assert.deepEqual(await column('pass_rate', 4), api.days.map(d => d.critical));
  await ctx.close();
});

test('a channel filter narrows the dashboard consistently', async () => {
  const { ctx, page } = await signIn('admin');
  const kpis = async q => (await (await page.request.get(`${base}/api/v1/dashboard?${q}`)).json()).kpis;
  const all = await kpis('');
  const by = {};
  for (const c of ['voice', 'chat', 'email']) by[c] = await kpis(`channel=${c}`);
  // Every result has one channel, so the channels' results add up to all.
  for (const k of ['results', 'passed', 'critical', 'flagged']) {
    assert.equal(by.voice[k] + by.chat[k] + by.email[k], all[k], k);
  }
  assert.ok(by.chat.received > 0 && by.chat.received < all.received, `chat ${by.chat.received} of ${all.received}`);
  // The page shows the narrowed numbers and keeps the filter.
  await page.goto(`${base}/?lang=en&channel=chat`);
  assert.equal(Number(await page.textContent('[data-kpi=received]')), by.chat.received);
  assert.equal(Number(await page.textContent('[data-kpi=critical]')), by.chat.critical);
  near(await page.textContent('[data-kpi=pass_rate]'), 100 * by.chat.passed / by.chat.results);
  assert.equal(await page.inputValue('select[name=channel]'), 'chat');
  assert.equal((await page.request.get(`${base}/api/v1/dashboard?channel=fax`)).status(), 400);
  await page.screenshot({ path: join(shots, 'dashboard-admin-chat.png'), fullPage: true });
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

// firstQueued returns the first entry of the review queue, as admin sees it.
async function firstQueued(query = '') {
  const { ctx, page } = await signIn('admin');
  const q = await (await page.request.get(`${base}/api/v1/queue?${query}`)).json();
  await ctx.close();
  assert.ok(q.entries.length > 0, `empty queue for ${query}`);
  return q.entries[0];
}

test('a reviewer overturns a finding and the review shows afterwards', async () => {
  const { ctx, page } = await signIn('qa');
  await page.goto(`${base}/queue?lang=en`);
  await page.screenshot({ path: join(shots, 'queue-qa.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/interactions\//), page.click('table.queue tbody tr:first-child td:nth-child(2) a')]);
  const form = page.locator('tr.verdict-fail form.review').first();
  await form.locator('select[name=decision]').selectOption('overturn');
  await form.locator('select[name=verdict]').selectOption('pass');
  await form.locator('input[name=comment]').fill('verified earlier in the call');
  await Promise.all([page.waitForURL(/saved=1/), form.locator('button[type=submit]').click()]);
  assert.ok(await page.isVisible('.notice[role=status]'));
  assert.match(await page.textContent('table.reviews'), /verified earlier in the call/);
  assert.match(await page.textContent('table.reviews'), /qa/);
  await page.screenshot({ path: join(shots, 'interaction-reviewed.png'), fullPage: true });
  // The transcript is shown, evidence highlighted, and each finding's
  // evidence links to its turn.
  assert.ok(await page.locator('.transcript li.turn').count() > 0);
  assert.ok(await page.locator('.transcript mark').count() > 0);
  const link = await page.getAttribute('.evidence a[href^="#turn-"]', 'href');
  assert.equal(await page.locator(link).count(), 1, link);
  // The review counts on the calibration page.
  const item = await form.locator('input[name=item]').inputValue();
  const cal = await (await page.request.get(`${base}/api/v1/calibration`)).json();
  const row = cal.items.find(r => r.item === item);
  assert.ok(row && row.n >= 1, `${item} not in calibration`);
  // Overturned to pass: the reviewer's pass row, the machine's fail column.
  assert.ok(row.confusion[0][1] >= 1, JSON.stringify(row));
  await page.goto(`${base}/calibration?lang=en`);
  assert.ok(await page.locator(`tr[data-item$="/${item}"] table.confusion`).count() >= 1);
  await page.screenshot({ path: join(shots, 'calibration-qa.png'), fullPage: true });
  await ctx.close();
});

test('a trainer opens an agent view', async () => {
  const agent = (await firstQueued()).agent_id;
  const { ctx, page } = await signIn('trainer');
  const resp = await page.goto(`${base}/agents/${encodeURIComponent(agent)}?lang=en`);
  assert.equal(resp.status(), 200);
  assert.match(await page.textContent('main h1'), new RegExp(agent));
  await page.screenshot({ path: join(shots, 'agent-trainer.png'), fullPage: true });
  // A client may not.
  const client = await signIn('client-acme-express');
  assert.equal((await client.page.goto(`${base}/agents/${encodeURIComponent(agent)}`)).status(), 404);
  await client.ctx.close();
  await ctx.close();
});

test("a client opening another tenant's interaction by URL gets a 404", async () => {
  const other = await firstQueued('tenant=shopwell');
  const { ctx, page } = await signIn('client-acme-express');
  const resp = await page.goto(`${base}/interactions/${encodeURIComponent(other.interaction_id)}`);
  assert.equal(resp.status(), 404);
  assert.equal((await page.request.get(`${base}/api/v1/interactions/${encodeURIComponent(other.interaction_id)}`)).status(), 404);
  await ctx.close();
});

test('a coaching CSV export opens and has the right rows', async () => {
  const item = (await firstQueued()).failed_items[0];
  const { ctx, page } = await signIn('trainer');
  await page.goto(`${base}/coaching?lang=en&verdict=fail&item=${encodeURIComponent(item)}`);
  const shown = await page.$$eval('table.examples tbody tr', trs => trs.length);
  await page.screenshot({ path: join(shots, 'coaching-trainer.png'), fullPage: true });
  const href = await page.getAttribute('a.export[href*="/csv"]', 'href');
  const resp = await page.request.get(`${base}${href}`);
  assert.equal(resp.status(), 200);
  assert.match(resp.headers()['content-disposition'], /attachment; filename=".*\.csv"/);
  const text = (await resp.text()).replace(/^\uFEFF/, '');
  const rows = text.trim().split('\n');
  assert.match(rows[0], /^tenant,interaction_id,scorecard,/);
  assert.equal(rows.length - 1, shown);
  for (const r of rows.slice(1)) assert.ok(r.includes(`,${item},fail,`), r);
  await ctx.close();
});
