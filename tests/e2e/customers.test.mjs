// customers.test.mjs — the customer lifecycle on the customer page (buttons from
// allowed_actions: submit by the KAM, qualify by finance, approve by the supervising SLT member),
// the credit incidents card, and the SLT member's "我出差了" switch on the home page, each
// checked against what the API answers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { login, apiToken, apiGet, resultsDir, withPage, apiSend } from './lib.mjs';

const T = { timeout: 120_000 };

const code = `E2E${Date.now() % 100000}`;

async function statusShown(page, status) {
  await page.waitForSelector(`.page-customer[data-status="${status}"]`);
}

test('a prospect goes through submit, qualify and approve with the buttons its allowed_actions give', T, async () => {
  const kam = await apiToken('kam_SZ');
  const made = await apiSend(kam, 'POST', '/customers', {
    code, name: '浏览器测试客户', market: 'S', region: 'SZ', kam: 'kam_SZ', status: 'prospect',
    consignee: '王收货', consignee_phone: '13800000009', consignment_station: '深圳站',
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.deepEqual(made.body.allowed_actions, ['submit']);

  await withPage(async (page) => {
    await login(page, 'kam_SZ', 'demo123', `/customers/${code}`);
    await statusShown(page, 'prospect');
    assert.deepEqual(await page.$$eval('#cust-act-card button[data-action]', (bs) => bs.map((b) => b.dataset.action)), ['submit']);
    await page.click('#cust-act-submit');
    await statusShown(page, 'pending_review');
    assert.equal(await page.locator('#cust-act-card').count(), 0, 'nothing left for the KAM');
  });
  assert.equal((await apiGet(kam, `/customers/${code}`)).body.status, 'pending_review');

  await withPage(async (page) => {
    await login(page, 'finance', 'demo123', `/customers/${code}`);
    await statusShown(page, 'pending_review');
    const fin = await apiToken('finance');
    const shown = await page.$$eval('#cust-act-card button[data-action]', (bs) => bs.map((b) => b.dataset.action).sort());
    assert.deepEqual(shown, (await apiGet(fin, `/customers/${code}`)).body.allowed_actions);
    // the note is required: the page says so before asking the server
    await page.click('#cust-act-qualify');
    await page.waitForSelector('#cust-act-note[aria-invalid="true"]');
    await page.fill('#cust-act-note', '营业执照、资信已核');
    await page.click('#cust-act-qualify');
    for (let i = 0; i < 100 && !(await apiGet(fin, `/customers/${code}`)).body.qualified; i++) await page.waitForTimeout(100);
    // record a credit incident through the card's form
    const day = new Date(Date.now() - 3 * 86400000).toISOString().slice(0, 10);
    await page.waitForSelector('#incident-form');
    await page.selectOption('#incident-kind', 'bounced_cheque');
    await page.fill('#incident-occurred_on', day);
    await page.fill('#incident-note', '支票退票');
    await page.click('#incident-form button[type="submit"]');
    await page.waitForSelector('#incidents-list tbody tr');
    const inc = await apiGet(fin, `/customers/${code}/credit-incidents`);
    assert.equal(inc.body.items.length, 1);
    assert.equal(inc.body.items[0].kind, 'bounced_cheque');
  });
  const fin = await apiToken('finance');
  assert.equal((await apiGet(fin, `/customers/${code}`)).body.qualified, true, 'qualified through the page');

  await withPage(async (page) => {
    await login(page, 'deputy', 'demo123', `/customers/${code}`);
    await statusShown(page, 'pending_review');
    await page.click('#cust-act-approve');
    await statusShown(page, 'active');
    const dep = await apiToken('deputy');
    const c = (await apiGet(dep, `/customers/${code}`)).body;
    assert.equal(c.status, 'active');
    assert.deepEqual(await page.$$eval('#cust-act-card button[data-action]', (bs) => bs.map((b) => b.dataset.action).sort()), c.allowed_actions);
    await page.screenshot({ path: join(resultsDir(), 'customer-lifecycle.png'), fullPage: true });
  });
});

test('an SLT member says 我出差了 on the home page; the secretary then sees the proxy buttons', T, async () => {
  const dep = await apiToken('deputy');
  const kam = await apiToken('kam_SZ');
  const fin = await apiToken('finance');
  const c2 = `${code}P`;
  assert.equal((await apiSend(kam, 'POST', '/customers', {
    code: c2, name: '代签测试客户', market: 'S', region: 'SZ', kam: 'kam_SZ', status: 'prospect',
    consignee: '李收货', consignee_phone: '13800000008', consignment_station: '深圳站',
  })).status, 201);
  assert.equal((await apiSend(kam, 'POST', `/customers/${c2}/submit`, {})).status, 200);
  assert.equal((await apiSend(fin, 'POST', `/customers/${c2}/qualify`, { note: '已核' })).status, 200);

  await withPage(async (page) => {
    await login(page, 'deputy');
    await page.waitForSelector('#away-switch:not([disabled])');
    assert.equal(await page.isChecked('#away-switch'), false, 'in the office');
    await page.check('#away-switch');
    await page.waitForFunction(() => document.querySelector('#away-state')?.textContent.includes('出差中'));
    assert.equal((await apiGet(dep, '/users/deputy')).body.out_of_office, true, 'away in the API');
  });

  await withPage(async (page) => {
    await login(page, 'ssg_leader', 'demo123', `/customers/${c2}`);
    await statusShown(page, 'pending_review');
    await page.waitForSelector('#cust-proxy-note');
    await page.check('#cust-act-confirmed_by_phone');
    await page.click('#cust-act-approve');
    await statusShown(page, 'active');
  });
  const hist = (await apiGet(dep, `/customers/${c2}/history`)).body.items.filter((x) => x.action === 'approve');
  assert.equal(hist.length, 1);
  assert.equal(hist[0].on_behalf_of, 'deputy');

  await withPage(async (page) => {
    await login(page, 'deputy');
    await page.waitForSelector('#away-switch:not([disabled])');
    assert.equal(await page.isChecked('#away-switch'), true, 'still away');
    await page.uncheck('#away-switch');
    await page.waitForFunction(() => document.querySelector('#away-state')?.textContent.includes('在岗'));
  });
  assert.equal((await apiGet(dep, '/users/deputy')).body.out_of_office, false, 'back in the office');
});
