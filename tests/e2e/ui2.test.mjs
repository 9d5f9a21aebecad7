// ui2.test.mjs — issue #17, second pass: people shown by name (GET /people, lib/people.js),
// saved filters on list pages (lib/ui.js filterBar), type-ahead pickers for customer and SKU
// in the order form (lib/typeahead.js) — at 1366 px and on a 390 px phone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, apiToken, apiGet, apiPostOk, withPage, noSideScroll, resultsDir, LOGIN_LIKE, loginsShown } from './lib.mjs';
import { join } from 'node:path';

const T = { timeout: 180_000 };

/** An order of GZ02 made by kam_GZ and verified: its timeline has two kam_GZ entries. */
async function verifiedOrder() {
  const kam = await apiToken('kam_GZ');
  const o = await apiPostOk(kam, '/orders', { customer: 'GZ02', lines: [{ sku: 'M-ADL-800', qty: 24 }] });
  await apiPostOk(kam, `/orders/${o.number}/verify`, {});
  return o.number;
}

test('people are shown by name: the order page names its creator and timeline actors, the login only as tooltip', T, async () => {
  const number = await verifiedOrder();
  const people = (await apiGet(await apiToken('csr_a'), '/people')).body.items;
  const kamName = people.find((p) => p.username === 'kam_GZ').name;
  assert.ok(kamName && !LOGIN_LIKE.test(kamName), 'kam_GZ has a display name');
  await withPage(async (page) => {
    await login(page, 'csr_a', 'demo123', `/orders/${number}`);
    await page.waitForSelector('#order-number');
    await page.waitForSelector('.timeline, table');
    const body = await page.locator('main, #main, body').first().textContent();
    assert.ok(body.includes(kamName), `the page names ${kamName}`);
    // People by name: a .person element shows the name (the login its tooltip), and no login
    // stands in the text (lib.mjs loginsShown, which the walk runs on every page too).
    assert.deepEqual(await loginsShown(page, new Map(people.map((p) => [p.username, p.name]))), []);
    for (const login of ['kam_GZ', 'mm_S', 'csr_a']) assert.ok(!body.includes(login), `the login ${login} is nowhere on the order page`);
    await page.screenshot({ path: join(resultsDir(), 'ui2-people-order.png'), fullPage: true });
  });
});

test('a saved filter on the orders list keeps q and state under a name and applies them again', T, async () => {
  const number = await verifiedOrder();
  await withPage(async (page) => {
    await login(page, 'kam_GZ', 'demo123', '/orders');
    await page.waitForSelector('#flt-q');
    await page.fill('#flt-q', number);
    await page.selectOption('#flt-state', 'verified');
    await page.click('.filters button[type=submit]');
    await page.waitForFunction((n) => [...document.querySelectorAll('.paged-list tbody tr')].length === 1
      && document.querySelector('.paged-list tbody tr').textContent.includes(n), number);
    await page.fill('#saved-filter-name', '我的核实单');
    await page.click('#saved-filter-save');
    await page.waitForFunction(() => [...document.querySelectorAll('#saved-filter option')].some((o) => o.value === '我的核实单'));
    // Cleared, then picked again: the filter bar and the list come back.
    await page.goto(new URL('/orders', page.url()).href);
    await page.waitForSelector('#saved-filter');
    assert.equal(await page.inputValue('#flt-q'), '');
    await page.selectOption('#saved-filter', '我的核实单');
    await page.waitForFunction((n) => new URLSearchParams(location.search).get('q') === n, number);
    assert.equal(await page.inputValue('#flt-q'), number);
    assert.equal(await page.inputValue('#flt-state'), 'verified');
    await page.waitForFunction((n) => [...document.querySelectorAll('.paged-list tbody tr')].length === 1
      && document.querySelector('.paged-list tbody tr').textContent.includes(n), number);
    // Another user does not see it.
    await page.click('#logout');
    await page.waitForSelector('#login-username');
    await login(page, 'csr_a', 'demo123', '/orders');
    await page.waitForSelector('#saved-filter');
    const names = await page.$$eval('#saved-filter option', (os) => os.map((o) => o.value));
    assert.ok(!names.includes('我的核实单'), 'saved per user');
  });
});

test('the order form picks customer and SKU by type-ahead from the server, by keyboard and by tap on a phone', T, async () => {
  await withPage(async (page) => {
    // every customer request of the form is a search (q=, limit=): no list of all customers
    const lists = [];
    page.on('request', (r) => { if (/\/api\/v1\/customers(\?|$)/.test(r.url())) lists.push(r.url()); });
    await login(page, 'kam_GZ', 'demo123', '/orders/new');
    await page.waitForSelector('#customer-ta');
    assert.equal(await page.locator('select#ord-customer').count(), 0, 'no drop-down of every customer');
    const asked = [];
    page.on('request', (r) => { if (/\/api\/v1\/customers\?.*q=/.test(r.url())) asked.push(r.url()); });
    await page.type('#customer-ta', 'GZ0', { delay: 30 });
    await page.waitForSelector('#customer-ta-list .typeahead-option');
    assert.ok(asked.length >= 1 && asked.length <= 2, `debounced server queries (${asked.length})`);
    const first = await page.getAttribute('#customer-ta-list .typeahead-option', 'data-value');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    assert.equal(await page.inputValue('#ord-customer'), first, 'Enter picks the highlighted customer');
    for (const u of lists) assert.match(u, /[?&]q=.*&limit=10|[?&]limit=10.*[?&]q=/, `a search, not the whole list: ${u}`);
    // typing again drops the pick; submitting then marks the customer field
    await page.type('#customer-ta', 'x');
    assert.equal(await page.inputValue('#ord-customer'), '', 'an edited text is no longer a pick');
    await page.click('.page-order-new button[type=submit]');
    await page.waitForSelector('#customer-ta.invalid');
    await page.fill('#customer-ta', '');
    await page.type('#customer-ta', first, { delay: 30 });
    await page.click(`#customer-ta-list .typeahead-option[data-value="${first}"]`);
    assert.equal(await page.inputValue('#ord-customer'), first);
    await noSideScroll(page, 'order form');
    // SKU by tap
    await page.fill('#sku-ta-0', 'ADL');
    await page.waitForSelector('#sku-ta-0-list .typeahead-option');
    const sku = await page.getAttribute('#sku-ta-0-list .typeahead-option', 'data-value');
    await page.tap('#sku-ta-0-list .typeahead-option').catch(() => page.click('#sku-ta-0-list .typeahead-option'));
    assert.equal(await page.inputValue('.line-row .line-sku'), sku, 'the tapped SKU is on the line');
    await page.fill('.line-row .line-qty', '24');
    await noSideScroll(page, 'order form with a line');
    await page.screenshot({ path: join(resultsDir(), 'ui2-typeahead-phone.png'), fullPage: true });
  }, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
});

test('list filters pick the customer and the SKU by type-ahead: no list page reads every customer or product', T, async () => {
  await verifiedOrder();
  await withPage(async (page) => {
    // Every customer or product request is a search (q=) or one record by its code.
    const whole = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (/^\/api\/v1\/(customers|products)$/.test(u.pathname) && !u.searchParams.get('q')) whole.push(r.url());
    });
    await login(page, 'csr_a', 'demo123', '/orders');
    await page.waitForSelector('#flt-customer');
    assert.equal(await page.locator('select[name=customer]').count(), 0, 'no drop-down of every customer');
    await page.waitForSelector('.paged-list tbody tr');
    await page.type('#flt-customer', 'GZ0', { delay: 30 });
    await page.waitForSelector('#flt-customer-list .typeahead-option[data-value="GZ02"]');
    await page.click('#flt-customer-list .typeahead-option[data-value="GZ02"]');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('customer') === 'GZ02');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('.paged-list tbody tr')];
      return rows.length > 0 && rows.every((tr) => tr.textContent.includes('GZ02'));
    });
    // the rows name their customer (asked for by code), not the code alone
    const gz02 = (await apiGet(await apiToken('csr_a'), '/customers/GZ02')).body.name;
    assert.ok(gz02, 'GZ02 has a name');
    await page.waitForFunction((n) => document.querySelector('.paged-list tbody tr').textContent.includes(n), gz02);
    // opened with ?customer=: the box shows code and name; emptying it drops the filter
    await page.goto(new URL('/invoices?customer=GZ02', page.url()).href);
    await page.waitForSelector('#flt-customer');
    assert.equal(await page.inputValue('#flt-customer'), `GZ02 ${gz02}`);
    await page.fill('#flt-customer', '');
    await page.waitForFunction(() => !new URLSearchParams(location.search).get('customer'));
    await page.goto(new URL('/payments', page.url()).href);
    await page.waitForSelector('#flt-customer');
    await noSideScroll(page, 'payments list');
    // stock: the SKU filter
    await page.goto(new URL('/stock', page.url()).href);
    await page.waitForSelector('#flt-sku');
    await page.type('#flt-sku', 'ADL', { delay: 30 });
    await page.waitForSelector('#flt-sku-list .typeahead-option');
    const sku = await page.getAttribute('#flt-sku-list .typeahead-option', 'data-value');
    await page.click('#flt-sku-list .typeahead-option');
    await page.waitForFunction((s) => new URLSearchParams(location.search).get('sku') === s, sku);
    await noSideScroll(page, 'stock list');
    await page.screenshot({ path: join(resultsDir(), 'ui2-list-typeahead-phone.png'), fullPage: true });
    assert.deepEqual(whole, [], 'no request for every customer or product');
  }, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
});
