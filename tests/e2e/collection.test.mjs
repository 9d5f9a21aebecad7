// collection.test.mjs — the collection pages (web/pages/collection.js) in Debian's Chromium
// against a real `osb serve` with the demo company: finance imports a bank statement into the
// bank receipt pool (到款池), a line matched by the payer's account is claimed, an unknown one is
// claimed by hand and registered as a receipt in one click, another ignored with a reason; a
// collection request (收款申请单) goes draft → submitted → confirmed (BCR and finance) → sent
// with the buttons of its allowed_actions; the weekly call list shows; every page fits 390 px.
// Its customer is made over the API, so no other browser test sees its data.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, apiToken, apiGet, BASE, withPage, apiPostOk, switchUser, noSideScroll, text } from './lib.mjs';

const T = { timeout: 240_000 };

/** One order of cust taken through OP and SP to its dispatch invoice; returns the invoice. */
async function invoiced(tokens, cust, qty) {
  let o = await apiPostOk(tokens.kam_GZ, '/orders', { customer: cust, lines: [{ sku: 'M-IF1-900', qty }] });
  const n = o.number;
  for (const [action, user] of [['verify', 'kam_GZ'], ['approve-market', 'mm_S'], ['accept', 'csr_a'],
    ['check', 'csr_a'], ['approve', 'deputy'], ['print-delivery-note', 'finance'], ['release', 'csr_a']]) {
    o = await apiPostOk(tokens[user], `/orders/${n}/${action}`);
  }
  const fh = o.shipments[0];
  for (const [action, body] of [['receive', {}], ['pick', {}], ['check', {}],
    ['book', { carrier: '顺丰物流', station: '广州站', waybill: `E2E-COL-${Date.now()}` }], ['dispatch', {}]]) {
    await apiPostOk(tokens.warehouse, `/shipments/${fh}/${action}`, body);
  }
  const invs = (await apiGet(tokens.finance, `/invoices?customer=${cust}&order=${n}`)).body.items;
  assert.equal(invs.length, 1, 'one invoice per dispatch');
  return invs[0];
}

test('bank pool: import, claim, register, ignore; a collection request to sent; the call list', T, async () => {
  const tokens = {};
  for (const u of ['kam_GZ', 'mm_S', 'csr_a', 'deputy', 'finance', 'warehouse']) tokens[u] = await apiToken(u);
  tokens.admin = await apiToken('admin', 'admin123');
  const tag = `${Date.now() % 100000000}`;
  const cust = `COL${tag}`;
  const acct = `6222${tag}`;
  await apiPostOk(tokens.admin, '/customers', {
    code: cust, name: `催收测试客户${tag}`, market: 'S', region: 'GZ', kam: 'kam_GZ', credit_limit_fen: 100000000,
    payment_term_days: 30, consignee: '收货人', consignee_phone: '13800000000', consignment_station: '广州站', bank_account: acct,
  });
  const inv = await invoiced(tokens, cust, 12);
  // the server's business day is China's (UTC+8), as field.test.mjs has it: from 16:00 UTC the UTC
  // date is the day before, and a line dated then is before the customer made above existed (422)
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  const csv = ['交易日期,付款人名称,付款人账号,金额,摘要,流水号',
    `${today},某某公司,${acct},10.00,货款,E2E-${tag}-1`,
    `${today},陌生付款人${tag},9${tag},5.00,货款,E2E-${tag}-2`,
    `${today},重复到款${tag},8${tag},1.00,退回,E2E-${tag}-3`].join('\r\n') + '\r\n';

  await withPage(async (page) => {
    await login(page, 'finance', 'demo123', '/');
    await page.click('a[data-nav="bank-receipts"]');
    await page.waitForSelector('.page-bank-receipts');
    await page.fill('#bank-csv', csv);
    await page.click('#bank-import');
    await page.waitForSelector('#bank-import-summary');
    assert.equal(await page.getAttribute('#bank-import-summary', 'data-imported'), '3');
    assert.equal(await page.getAttribute('#bank-import-summary', 'data-matched'), '1');
    const lines = (await apiGet(tokens.finance, `/bank-receipts?q=E2E-${tag}&state=unmatched,claimed&limit=50`)).body.items;
    const all = (await apiGet(tokens.finance, '/bank-receipts?state=unmatched,claimed&limit=1000')).body.items
      .filter((l) => (l.payer_name || '').includes(tag) || l.payer_account === acct);
    const byAcct = all.find((l) => l.payer_account === acct);
    const stranger = all.find((l) => (l.payer_name || '').startsWith('陌生付款人'));
    const dup = all.find((l) => (l.payer_name || '').startsWith('重复到款'));
    assert.ok(byAcct && stranger && dup, `three lines listed (${lines.length})`);
    assert.equal(byAcct.state, 'claimed', 'matched by the payer account');
    assert.equal(byAcct.customer, cust);

    // the unknown payer: claimed by hand, then registered in one click
    await page.goto(`${BASE}/bank-receipts/${stranger.number}`);
    await page.waitForSelector('.page-bank-receipt[data-state="unmatched"]');
    await page.fill('#bank-customer', cust);
    await page.click('#bank-claim');
    await page.waitForSelector('.page-bank-receipt[data-state="claimed"]');
    await page.click('#bank-register');
    await page.waitForSelector('.page-bank-receipt[data-state="registered"]');
    const sk = await text(page, '#bank-payment');
    const pay = (await apiGet(tokens.finance, `/payments/${sk}`)).body;
    assert.equal(pay.customer, cust);
    assert.equal(pay.amount_fen, 500);

    // a line ignored with its reason (the button asks twice)
    await page.goto(`${BASE}/bank-receipts/${dup.number}`);
    await page.waitForSelector('.page-bank-receipt[data-state="unmatched"]');
    await page.fill('#bank-comment', '重复到款，已退回');
    await page.click('#bank-ignore');
    await page.click('#bank-ignore');
    await page.waitForSelector('.page-bank-receipt[data-state="ignored"]');

    // the matched line through the pool list: open it from the list and register it
    await page.goto(`${BASE}/bank-receipts?state=claimed&q=${acct}`);
    await page.waitForSelector(`.page-bank-receipts a[href="/bank-receipts/${byAcct.number}"]`);
    await page.click(`.page-bank-receipts a[href="/bank-receipts/${byAcct.number}"]`);
    await page.waitForSelector('.page-bank-receipt[data-state="claimed"]');
    await page.click('#bank-register');
    await page.waitForSelector('.page-bank-receipt[data-state="registered"]');
    const after = (await apiGet(tokens.finance, `/invoices/${inv.number}`)).body;
    assert.equal(after.open_fen, inv.open_fen - 1500, 'both receipts settle the open invoice');

    // a collection request: the KAM drafts and submits, finance and the BCR confirm, the KAM sends
    await switchUser(page, 'kam_GZ', '/collection-requests');
    await page.waitForSelector('.page-collection-requests');
    await page.fill('#cr-customer', cust);
    await page.click('#cr-create');
    await page.waitForSelector('.page-collection-request[data-state="draft"]');
    const sksq = await text(page, '#cr-number');
    assert.match(sksq, /SKSQ/);
    await page.click('#cr-submit');
    await page.waitForSelector('.page-collection-request[data-state="submitted"]');
    await switchUser(page, 'finance', `/collection-requests/${sksq}`);
    await page.waitForSelector('.page-collection-request[data-state="submitted"]');
    await page.click('#cr-confirm');
    await page.waitForSelector('.page-collection-request #cr-confirm', { state: 'detached' });
    await switchUser(page, 'ssg_leader', `/collection-requests/${sksq}`);
    await page.waitForSelector('.page-collection-request[data-state="submitted"]');
    await page.click('#cr-confirm');
    await page.waitForSelector('.page-collection-request[data-state="confirmed"]');
    await page.goto(`${BASE}/call-list`);
    await page.waitForSelector('.page-call-list #call-week-label');
    await switchUser(page, 'kam_GZ', `/collection-requests/${sksq}`);
    await page.waitForSelector('.page-collection-request[data-state="confirmed"]');
    await page.click('#cr-send');
    await page.waitForSelector('.page-collection-request[data-state="sent"]');
    const csp = await page.evaluate(() => window.cspViolations);
    assert.deepEqual(csp, [], 'no CSP violations');
  });

  // a phone: every page fits 390 px
  await withPage(async (page) => {
    await login(page, 'finance', 'demo123', '/bank-receipts');
    await page.waitForSelector('.page-bank-receipts');
    await noSideScroll(page, 'the bank pool');
    await page.goto(`${BASE}/collection-requests`);
    await page.waitForSelector('.page-collection-requests');
    await noSideScroll(page, 'collection requests');
    await page.goto(`${BASE}/call-list`);
    await page.waitForSelector('.page-call-list');
    await noSideScroll(page, 'the call list');
  }, { viewport: { width: 390, height: 844 } });
});
