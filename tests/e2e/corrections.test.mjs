// corrections.test.mjs — money corrections through the web UI (issue #17 (a), api.md §5.5):
// "+ 登记收款" on an invoice settles that invoice (not an older one), finance re-allocates a
// receipt between two invoices, and reverses it with a reason — the invoices reopen and the
// receipt reads 已冲回. Its data is made over the API for SZ01, which no other browser test uses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { login, apiToken, apiGet, BASE, resultsDir, withPage, text, apiPostOk } from './lib.mjs';
import { formatFen } from '../../web/lib/fmt.js';

const T = { timeout: 240_000 };
const CUST = 'SZ01';

/** One order of SZ01 taken through OP and SP to its dispatch invoice; returns the invoice. */
async function invoiced(tokens, qty) {
  let o = await apiPostOk(tokens.kam_SZ, '/orders', { customer: CUST, lines: [{ sku: 'M-IF1-900', qty }] });
  const n = o.number;
  for (const [action, user] of [['verify', 'kam_SZ'], ['approve-market', 'mm_S'], ['accept', 'csr_a'],
    ['check', 'csr_a'], ['approve', 'deputy'], ['print-delivery-note', 'finance'], ['release', 'csr_a']]) {
    o = await apiPostOk(tokens[user], `/orders/${n}/${action}`);
  }
  const fh = o.shipments[0];
  for (const [action, body] of [['receive', {}], ['pick', {}], ['check', {}],
    ['book', { carrier: '顺丰物流', station: '深圳站', waybill: `E2E-C-${Date.now()}-${qty}` }], ['dispatch', {}]]) {
    await apiPostOk(tokens.warehouse, `/shipments/${fh}/${action}`, body);
  }
  const invs = (await apiGet(tokens.finance, `/invoices?customer=${CUST}&order=${n}`)).body.items;
  assert.equal(invs.length, 1, 'one invoice per dispatch');
  return invs[0];
}

test('paying from an invoice settles that invoice; finance re-allocates and reverses the receipt', T, async () => {
  const tokens = {};
  for (const u of ['kam_SZ', 'mm_S', 'csr_a', 'deputy', 'finance', 'warehouse']) tokens[u] = await apiToken(u);
  const older = await invoiced(tokens, 12);
  const newer = await invoiced(tokens, 24);
  const fin = tokens.finance;
  const ref = `E2E-COR-${Date.now()}`;
  await withPage(async (page) => {
    // Issue #17 (a): "+ 登记收款" on the newer invoice: the form names it, the receipt settles it.
    await login(page, 'finance', 'demo123', `/invoices/${newer.number}`);
    await page.click('#pay-invoice');
    await page.waitForSelector(`#open-invoices input[data-invoice="${newer.number}"]`);
    assert.equal(await page.inputValue(`#open-invoices input[data-invoice="${newer.number}"]`),
      formatFen(newer.open_fen, { symbol: false }).replace(/,/g, ''), 'the invoice paid from is allocated');
    assert.equal(await page.inputValue(`#open-invoices input[data-invoice="${older.number}"]`), '', 'the older is not');
    assert.equal(await page.inputValue('#pay-amount_fen'), formatFen(newer.open_fen, { symbol: false }).replace(/,/g, ''));
    await page.fill('#pay-reference', ref);
    await page.click('.page-payment-new button[type=submit]');
    await page.waitForSelector(`.page-invoice[data-number="${newer.number}"][data-state="paid"]`);
    assert.equal((await apiGet(fin, `/invoices/${older.number}`)).body.open_fen, older.amount_fen, 'the older invoice is untouched');
    const pays = (await apiGet(fin, `/payments?customer=${CUST}&limit=1000`)).body.items.filter((x) => x.reference === ref);
    assert.equal(pays.length, 1, 'one receipt');
    const sk = pays[0].number;

    // Re-allocation: half to the older invoice, the rest stays on the newer.
    await page.goto(`${BASE}/payments/${sk}`);
    await page.waitForSelector(`#realloc input[data-invoice="${older.number}"]`);
    await page.fill(`#realloc input[data-invoice="${older.number}"]`, formatFen(older.amount_fen, { symbol: false }).replace(/,/g, ''));
    const rest = newer.amount_fen - older.amount_fen;
    await page.fill(`#realloc input[data-invoice="${newer.number}"]`, formatFen(rest, { symbol: false }).replace(/,/g, ''));
    await page.click('#pay-reallocate');
    for (let i = 0; i < 50; i++) {
      if ((await apiGet(fin, `/invoices/${older.number}`)).body.state === 'paid') break;
      await page.waitForTimeout(100);
    }
    assert.equal((await apiGet(fin, `/invoices/${older.number}`)).body.state, 'paid', 'the older invoice now paid');
    assert.equal((await apiGet(fin, `/invoices/${newer.number}`)).body.open_fen, older.amount_fen, 'the newer gave that much back');

    // Reversal with a reason: the button asks for the reason, then for a second press.
    await page.goto(`${BASE}/payments/${sk}`);
    await page.waitForSelector('#pay-reverse');
    await page.click('#pay-reverse');
    await page.waitForSelector('#rev-reason-err:not(:empty)');
    await page.fill('#rev-reason', '记错发票，冲回重登');
    await page.click('#pay-reverse');
    await page.click('#pay-reverse'); // the confirming press
    await page.waitForSelector('.page-payment[data-state="reversed"]');
    assert.equal(await text(page, '#payment-state'), '已冲回');
    assert.match(await text(page, '#payment-reversed'), /记错发票，冲回重登/);
    assert.equal(await page.locator('#pay-reverse').count(), 0, 'no more corrections on a reversed receipt');
    const p = (await apiGet(fin, `/payments/${sk}`)).body;
    assert.equal(p.state, 'reversed');
    assert.deepEqual(p.allowed_actions, []);
    for (const inv of [older, newer]) {
      const got = (await apiGet(fin, `/invoices/${inv.number}`)).body;
      assert.equal(got.state, 'open', `${inv.number} reopened`);
      assert.equal(got.open_fen, inv.amount_fen);
    }
    const led = (await apiGet(fin, `/customers/${CUST}/ledger`)).body.items;
    assert.equal(led.at(-1).kind, 'payment_reversal', 'a payment_reversal debit, the receipt row kept');
    await page.screenshot({ path: join(resultsDir(), 'payment-reversed.png'), fullPage: true });
  });
});

test('a KAM files an exchange from the order page; the warehouse reports a discrepancy after POD', T, async () => {
  const tokens = {};
  for (const u of ['kam_SZ', 'mm_S', 'csr_a', 'deputy', 'finance', 'warehouse', 'um_SZ', 'service']) tokens[u] = await apiToken(u);
  const inv = await invoiced(tokens, 12);
  const o = (await apiGet(tokens.csr_a, `/orders/${inv.order}`)).body;
  const fh = o.shipments[0];
  const ship = (await apiGet(tokens.warehouse, `/shipments/${fh}`)).body;
  const batch = ship.lines[0].picks[0].batch;
  await withPage(async (page) => {
    // 换货 through the form reached from the order page
    await login(page, 'kam_SZ', 'demo123', `/orders/${o.number}`);
    await page.click('#new-return');
    await page.waitForSelector('#ret-kind');
    await page.selectOption('#ret-kind', 'exchange');
    await page.waitForSelector('#ret-exchange-hint:not([hidden])');
    await page.fill('#ret-sku', 'M-IF1-900');
    await page.fill('#ret-batch', batch);
    await page.fill('#ret-qty', '12');
    await page.fill('#ret-reason', '整箱破损，换新');
    await page.click('.page-return-new button[type=submit]');
    await page.waitForSelector(`.page-order[data-number="${o.number}"], #order-number`);
    const rets = (await apiGet(tokens.kam_SZ, `/returns?order=${o.number}`)).body.items;
    assert.equal(rets.length, 1, 'one return filed');
    assert.equal(rets[0].kind, 'exchange');
    const th = rets[0].number;
    for (const [action, user, body] of [['confirm', 'um_SZ', {}], ['inspect', 'service', { genuine: true }],
      ['approve', 'mm_S', {}], ['receive', 'warehouse', {}]]) {
      await apiPostOk(tokens[user], `/returns/${th}/${action}`, body);
    }
    const r = (await apiGet(tokens.kam_SZ, `/returns/${th}`)).body;
    assert.ok(r.replacement_order, 'the replacement order is named');
    const rep = (await apiGet(tokens.csr_a, `/orders/${r.replacement_order}`)).body;
    assert.equal(rep.state, 'submitted');
    assert.equal(rep.lines[0].price_fen, o.lines[0].price_fen, 'at the original price');
  });
  // the warehouse: POD, then a damaged unit reported on the shipment page
  await apiPostOk(tokens.warehouse, `/shipments/${fh}/deliver`, { signed_by: '收货人' });
  await withPage(async (page) => {
    await login(page, 'warehouse', 'demo123', `/shipments/${fh}`);
    await page.waitForSelector('#ship-report-discrepancy');
    await page.selectOption('#disc-kind', 'damaged');
    await page.fill('#disc-qty', '1');
    await page.fill('#disc-note', '一箱外包装破损');
    await page.click('#ship-report-discrepancy');
    await page.waitForSelector('#ship-discrepancies table');
    assert.match(await text(page, '#ship-discrepancies'), /破损/);
    const s = (await apiGet(tokens.warehouse, `/shipments/${fh}`)).body;
    assert.equal(s.discrepancies.length, 1);
    assert.equal(s.discrepancies[0].kind, 'damaged');
    assert.equal(s.discrepancies[0].counts, true);
    await page.screenshot({ path: join(resultsDir(), 'shipment-discrepancy.png'), fullPage: true });
  });
});
