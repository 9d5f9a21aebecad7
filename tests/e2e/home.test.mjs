// home.test.mjs — every role's home page (工作台): its own work queue (GET /me/queue) and its own
// figures of the month (#home-figures, read from /kpis and /reports/{name}). The CSR finds a
// submitted order and the supervising SLT member (deputy, market S) a pending approval in their
// queues and open them; each role's figures are the API's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { login, apiToken, apiGet, BASE, resultsDir, withPage, apiPostOk, switchUser } from './lib.mjs';
import { formatBp, formatFen, formatQty } from '../../web/lib/fmt.js';

const T = { timeout: 180_000 };

/** A new GZ01 order taken through the steps [action, user]; returns its number. */
async function orderThrough(steps) {
  const kam = await apiToken('kam_GZ');
  const o = await apiPostOk(kam, '/orders', { customer: 'GZ01', lines: [{ sku: 'M-IF1-900', qty: 12 }] });
  for (const [action, user] of steps) await apiPostOk(await apiToken(user), `/orders/${o.number}/${action}`);
  return o.number;
}

/** The month to date as the page computes it (same machine, same time zone). */
function monthToDate(now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `from=${ymd(new Date(now.getFullYear(), now.getMonth(), 1))}&to=${ymd(now)}`;
}

/** Opens the queue row of orders/n on the home page and lands on the order. */
async function openFromQueue(page, n, state) {
  await page.waitForSelector('#work-queue');
  const row = page.locator(`#work-queue tr[data-key="orders/${n}"]`);
  assert.equal(await row.count(), 1, `orders/${n} in the queue`);
  assert.match(await row.textContent(), state);
  await row.locator('a').click();
  await page.waitForURL(new RegExp(`/orders/${n}$`));
  await page.waitForSelector('.page-order, #order-waiting');
  assert.match(await page.locator('main').textContent(), new RegExp(n));
}

test('the CSR\'s home: a submitted order is in its queue and opens; its KPI figures are the API\'s', T, async () => {
  const n = await orderThrough([['verify', 'kam_GZ'], ['approve-market', 'mm_S']]);
  const token = await apiToken('csr_a');
  const kpis = (await apiGet(token, `/kpis?${monthToDate()}`)).body;
  await withPage(async (page) => {
    await login(page, 'csr_a');
    await page.waitForSelector('#home-figures');
    for (const name of ['same_day_delivery_note', 'st_decided_next_day', 'shipped_within_24h']) {
      const fig = page.locator(`#home-figures [data-figure="${name}"]`);
      const text = await fig.textContent();
      assert.ok(text.includes(`${kpis[name].num} / ${kpis[name].den}`), `${name}: ${text}`);
      if (kpis[name].den) assert.ok(text.includes(formatBp(kpis[name].pct_bp)), `${name} pct: ${text}`);
      assert.equal(await fig.getAttribute('href'), '/dashboard');
    }
    assert.equal(await page.locator('#home-figures [data-figure="backorders.rows"]').count(), 1, 'backorders figure');
    await page.screenshot({ path: join(resultsDir(), 'home-csr.png'), fullPage: true });
    await openFromQueue(page, n, /已提交/);
  });
});

test('the supervising SLT member\'s home: a pending approval is in its queue and opens; the five KPIs', T, async () => {
  const n = await orderThrough([['verify', 'kam_GZ'], ['approve-market', 'mm_S'], ['accept', 'csr_a'], ['check', 'csr_a']]);
  const order = (await apiGet(await apiToken('deputy'), `/orders/${n}`)).body;
  assert.equal(order.state, 'pending_approval', 'the order passed CC');
  const director = (await apiGet(await apiToken('director'), '/me/queue')).body.items.map((i) => i.number);
  assert.ok(!director.includes(n), 'it does not wait on an SLT member of another market');
  await withPage(async (page) => {
    await login(page, 'deputy');
    await page.waitForSelector('#home-figures');
    const figs = await page.$$eval('#home-figures [data-figure]', (as) => as.map((a) => a.dataset.figure));
    assert.deepEqual(figs, ['same_day_delivery_note', 'st_decided_next_day', 'shipped_within_24h',
      'shipment_accuracy', 'collected_within_5_days_of_due']);
    await page.screenshot({ path: join(resultsDir(), 'home-slt.png'), fullPage: true });
    await openFromQueue(page, n, /待审批|审批/);
  });
});

test('each role\'s figures: sales, finance, warehouse, customer service, marketing, admin', { timeout: 300_000 }, async () => {
  const range = monthToDate();
  const total = async (user, report, key, q = range) => (await apiGet(await apiToken(user), `/reports/${report}?${q}`)).body;
  const kam = await total('kam_GZ', 'monthly_sales');
  const kamOverdue = await total('kam_GZ', 'overdue_list', null, '');
  const fin = await total('finance', 'daily_receipts');
  const back = await total('warehouse', 'backorders', null, '');
  const want = {
    kam_GZ: { 'monthly_sales.net_sales_fen': formatFen(kam.totals.net_sales_fen), 'monthly_sales.orders': formatQty(kam.totals.orders),
      'overdue_list.open_fen': formatFen(kamOverdue.totals.open_fen) },
    finance: { 'daily_receipts.amount_fen': formatFen(fin.totals.amount_fen) },
    warehouse: { 'backorders.rows': formatQty(back.rows.length) },
    service: { 'backorders.rows': null, 'after_sales.rows': null },
    marketing: { 'distributor_inventory_summary.rows': null, 'backorders.rows': null },
    admin: { users: null },
  };
  await withPage(async (page) => {
    let first = true;
    for (const [user, figs] of Object.entries(want)) {
      if (first) await login(page, user);
      else if (user === 'admin') {
        await page.click('#logout');
        await page.waitForSelector('#login-username');
        await login(page, 'admin', 'admin123');
      } else await switchUser(page, user, '/');
      first = false;
      await page.waitForSelector('#home-figures');
      for (const [id, value] of Object.entries(figs)) {
        const fig = page.locator(`#home-figures [data-figure="${id}"]`);
        assert.equal(await fig.count(), 1, `${user}: figure ${id}`);
        if (value !== null) assert.equal((await fig.locator('.home-figure-value').textContent()).trim(), value, `${user}: ${id}`);
      }
      if (user === 'kam_GZ') {
        await page.click('#home-figures [data-figure="monthly_sales.net_sales_fen"]');
        await page.waitForURL(/\/reports\/monthly_sales/);
      }
    }
  });
});
