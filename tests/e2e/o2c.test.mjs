// o2c.test.mjs — order-to-cash through the web UI, against `osb serve` with the demo company
// (tests/e2e/run.sh): an order from creation to release with every step clicked by the role
// that owns it, a payment registered by finance, and the warehouse's shipment page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { login, apiToken, apiGet, BASE, resultsDir, withPage, text, switchUser } from './lib.mjs';
import { formatFen } from '../../web/lib/fmt.js';

const T = { timeout: 180_000 };

/** Waits for the order page to show the state, and checks the badge's Chinese words. */
async function expectState(page, state, zh) {
  await page.waitForSelector(`.page-order #order-state[data-state="${state}"]`, { timeout: 15_000 });
  assert.equal(await text(page, '#order-state'), zh, `badge of ${state}`);
}

/** The order page's action buttons are exactly the server's allowed_actions for this user. */
async function expectButtons(page, username, url) {
  const o = (await apiGet(await apiToken(username), url)).body;
  const shown = await page.locator('.page-order button[id^="act-"], .page-order a[id^="act-"]').evaluateAll(
    (els) => els.map((e) => e.id.replace(/^act-/, '').replace(/^st-vote-(yes|no)$/, 'st-vote')));
  assert.deepEqual([...new Set(shown)].sort(), [...o.allowed_actions].sort(), `${username}'s buttons`);
  return o;
}

test('an order goes from creation (kam_GZ) to released, every step clicked in the UI', T, async () => {
  await withPage(async (page) => {
    // kam_GZ: 新建订单 for GZ02, one line; 25 is not whole cases (12 a case) and says so.
    await login(page, 'kam_GZ', 'demo123', '/orders');
    await page.click('#new-order');
    // the customer by type-ahead only (the form loads no customer list)
    await page.waitForSelector('#customer-ta');
    await page.fill('#customer-ta', 'GZ02');
    await page.click('#customer-ta-list .typeahead-option[data-value="GZ02"]');
    assert.equal(await page.inputValue('#ord-customer'), 'GZ02');
    await page.selectOption('.line-row .line-sku', 'M-ADL-800');
    await page.fill('.line-row .line-qty', '25');
    await page.waitForSelector('.whole-cases-warning');
    assert.match(await text(page, '.whole-cases-warning'), /不是整箱/);
    assert.equal(await text(page, '#lines-total'), '¥3,450.00');
    await page.fill('.line-row .line-qty', '24');
    await page.waitForFunction(() => !document.querySelector('.whole-cases-warning'));
    assert.equal(await text(page, '#lines-total'), '¥3,312.00');
    await page.click('.page-order-new button[type=submit]');
    await expectState(page, 'draft', '草稿');
    const number = await text(page, '#order-number');
    assert.match(number, /^SC\d{8}DD\d{4}$/);
    assert.equal(await text(page, '#order-total'), '¥3,312.00');
    const url = `/orders/${number}`;
    // A KAM sees only its own step: no approve / print / release buttons.
    assert.equal(await page.locator('#act-approve, #act-print-delivery-note, #act-release, #act-accept').count(), 0);

    await page.click('#act-verify');
    await expectState(page, 'verified', '已核实');

    await switchUser(page, 'mm_S', url);
    await page.waitForSelector('#act-approve-market');
    assert.equal(await page.locator('#act-verify').count(), 0);
    await page.click('#act-approve-market');
    await expectState(page, 'submitted', '已提交');

    await switchUser(page, 'csr_a', url);
    await page.click('#act-accept');
    await expectState(page, 'accepted', '已接收');
    await page.click('#act-check');
    await expectState(page, 'pending_approval', '待审批');
    // The credit check shows its result, decision-table row and reason in Chinese.
    assert.equal(await text(page, '#cc-result'), '通过');
    assert.match(await text(page, '#cc-row'), /^第 \d+ 行$/);
    assert.match(await text(page, '#cc-reason'), /信用/);
    // csr_a is nobody's secretary: no approve button.
    assert.equal(await page.locator('#act-approve').count(), 0);
    await expectButtons(page, 'csr_a', url);

    // ssg_leader is the deputy's secretary: while the deputy is away (out_of_office, api.md
    // §5.3) the page offers the deputy's actions by proxy (with the phone confirmation),
    // exactly those the server lists.
    const setAway = async (on) => {
      const res = await fetch(`${BASE}/api/v1/users/deputy`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${await apiToken('admin', 'admin123')}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ out_of_office: on }),
      });
      assert.equal(res.status, 200, 'deputy out_of_office');
    };
    await setAway(true);
    await switchUser(page, 'ssg_leader', url);
    await page.waitForSelector('#proxy-note');
    const asSecretary = await expectButtons(page, 'ssg_leader', url);
    assert.ok(asSecretary.allowed_actions.includes('approve'), 'the secretary may approve by proxy');
    assert.ok((asSecretary.proxy_actions || []).includes('approve'), 'approve is a proxy action');

    await setAway(false);

    // The market S is supervised by the deputy director.
    await switchUser(page, 'deputy', url);
    await page.click('#act-approve');
    await expectState(page, 'approved', '已批准');

    await switchUser(page, 'finance', url);
    await page.click('#act-print-delivery-note');
    await expectState(page, 'billed', '已开单');
    await page.waitForSelector('#order-dn');

    await switchUser(page, 'csr_a', url);
    await page.click('#act-release');
    await expectState(page, 'released', '已下达仓库');
    await page.waitForSelector('#order-shipments a');
    assert.equal(await page.locator('#act-release').count(), 0, 'no action left for the CSR');

    // What the server says matches, and every step is in the timeline with its actor.
    const o = await apiGet(await apiToken('csr_a'), url);
    assert.equal(o.body.state, 'released');
    assert.deepEqual(o.body.timeline.map((e) => `${e.action}:${e.actor}`),
      ['create:kam_GZ', 'verify:kam_GZ', 'approve-market:mm_S', 'accept:csr_a', 'check:csr_a', 'approve:deputy', 'print-delivery-note:finance', 'release:csr_a']);
    assert.equal(await page.locator('.page-order tbody tr[data-key]').count() >= 9, true);
    await page.screenshot({ path: join(resultsDir(), 'order-released.png'), fullPage: true });

    // The English toggle translates the badge.
    await page.click('#lang-toggle');
    await page.waitForSelector('#order-state[data-state="released"]');
    await page.waitForFunction(() => document.querySelector('#order-state')?.textContent === 'Released');
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('#order-state')?.textContent === '已下达仓库');
  });
});

test('finance registers payments: the invoice goes partial, then paid, to the fen', T, async () => {
  const token = await apiToken('finance');
  const open = (await apiGet(token, '/invoices?customer=GZ01&limit=100')).body.items.filter((i) => ['open', 'partial'].includes(i.state));
  assert.equal(open.length, 1, 'the demo has one open invoice for GZ01');
  const inv = open[0];
  const ref = `E2E-${Date.now()}`;
  await withPage(async (page) => {
    await login(page, 'finance', 'demo123', '/invoices');
    await page.waitForSelector(`.page-invoices tr[data-key="${inv.number}"]`);
    await page.click('#new-payment');
    await page.waitForSelector('#pay-customer');
    await page.selectOption('#pay-customer', 'GZ01');
    await page.waitForSelector(`#open-invoices tr[data-key="${inv.number}"]`);
    assert.equal(await text(page, '#open-total'), formatFen(inv.open_fen));

    // A bad amount stays on its field; nothing is sent.
    await page.fill('#pay-amount_fen', '100.005');
    await page.fill('#pay-reference', `${ref}-1`);
    await page.click('.page-payment-new button[type=submit]');
    await page.waitForSelector('#pay-amount_fen-err:not(:empty)');
    assert.match(await text(page, '#pay-amount_fen-err'), /金额/);

    // ¥100.05 → the invoice is still partial, its open amount exactly 10005 fen less.
    await page.fill('#pay-amount_fen', '100.05');
    await page.click('.page-payment-new button[type=submit]');
    await page.waitForSelector(`.page-invoices tr[data-key="${inv.number}"] [data-state="partial"]`);
    const mid = (await apiGet(token, `/invoices/${inv.number}`)).body;
    assert.equal(mid.open_fen, inv.open_fen - 10005);
    assert.equal(await text(page, `tr[data-key="${inv.number}"] .inv-open`), formatFen(mid.open_fen));

    // The rest, typed with grouping as people do ("32,059.95") → paid.
    await page.click('#new-payment');
    await page.waitForSelector('#pay-customer');
    await page.selectOption('#pay-customer', 'GZ01');
    await page.waitForSelector(`#open-invoices tr[data-key="${inv.number}"]`);
    await page.fill('#pay-amount_fen', formatFen(mid.open_fen, { symbol: false }));
    await page.fill('#pay-reference', `${ref}-2`);
    await page.click('.page-payment-new button[type=submit]');
    await page.waitForSelector(`.page-invoices tr[data-key="${inv.number}"] [data-state="paid"]`);
    assert.equal(await text(page, `tr[data-key="${inv.number}"] [data-state]`), '已收清');
    const done = (await apiGet(token, `/invoices/${inv.number}`)).body;
    assert.equal(done.open_fen, 0);
    assert.equal(done.state, 'paid');
    await page.screenshot({ path: join(resultsDir(), 'invoices-paid.png'), fullPage: true });

    // The customer page shows the statement; aging has no open amount left for GZ01.
    await page.goto(`${BASE}/customers/GZ01`);
    await page.waitForSelector('#statement table');
    const stmt = (await apiGet(token, '/customers/GZ01/statement?from=2000-01-01&to=2099-12-31')).body;
    assert.equal(await text(page, '#stmt-closing'), formatFen(stmt.closing_fen));
    await page.waitForSelector('#stmt-pdf');
    await page.screenshot({ path: join(resultsDir(), 'customer-GZ01-statement.png'), fullPage: true });
    await page.goto(`${BASE}/receivables/aging`);
    await page.waitForFunction(() => !document.querySelector('#main .state-loading'));
    assert.equal(await page.locator('.page-aging tr[data-key="GZ01"]').count(), 0);
  });
});

test('the warehouse sees shipments without prices and receives a new one', T, async () => {
  const token = await apiToken('warehouse');
  const all = (await apiGet(token, '/shipments?limit=100')).body.items;
  const delivered = all.find((s) => s.state === 'delivered');
  const fresh = all.find((s) => s.state === 'new');
  assert.ok(delivered && fresh, 'the demo has a delivered and a new shipment');
  await withPage(async (page) => {
    await login(page, 'warehouse', 'demo123', '/shipments');
    await page.waitForSelector(`.page-shipments tr[data-key="${delivered.number}"]`);
    const navs = await page.$$eval('a.nav-link', (as) => as.map((a) => a.dataset.nav));
    assert.ok(!navs.includes('invoices') && !navs.includes('aging'), `no money pages for the warehouse: ${navs}`);

    await page.click(`tr[data-key="${delivered.number}"] a`);
    await page.waitForSelector('#shipment-state[data-state="delivered"]');
    assert.equal(await text(page, '#shipment-state'), '已签收');
    assert.equal(await text(page, '#ship-pod dd'), delivered.pod.signed_by);
    const main = await page.locator('#main').innerText();
    assert.ok(!/¥|单价|金额/.test(main), 'no prices or amounts on the warehouse page');
    assert.match(main, /SF\d+|运单号/);
    await page.waitForSelector('#dn-pdf');
    await page.screenshot({ path: join(resultsDir(), 'shipment-warehouse.png'), fullPage: true });

    // The delivery note PDF is fetched with the token and opened in a new tab.
    const [popup] = await Promise.all([page.context().waitForEvent('page'), page.click('#dn-pdf')]);
    await popup.waitForURL(/^blob:/, { timeout: 15_000 });
    await popup.close();

    await page.goto(`${BASE}/shipments/${fresh.number}`);
    await page.click('#ship-receive');
    await page.waitForSelector('#shipment-state[data-state="received"]');
    assert.equal(await text(page, '#shipment-state'), '已接收');
    await page.waitForSelector('#ship-pick');
    const s = (await apiGet(token, `/shipments/${fresh.number}`)).body;
    assert.equal(s.state, 'received');
  });
});
