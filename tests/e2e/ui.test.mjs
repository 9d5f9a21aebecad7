// ui.test.mjs — the web UI in Debian's Chromium, against a real `osb serve` with the demo company
// (tests/e2e/run.sh starts it and sets OSB_URL). Each test gets a fresh browser profile.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { login, apiToken, apiGet, BASE, resultsDir, withPage, text } from './lib.mjs';
import { formatFen } from '../../web/lib/fmt.js';

const T = { timeout: 90_000 };

/** Runs fn(page) in a fresh browser; fails on any script error the page logged. */
const rowKeys = (page, scope = '') => page.$$eval(`${scope} tbody tr[data-key]`, (trs) => trs.map((tr) => tr.dataset.key));

test('kam_GZ sees exactly the customers the API gives it, and the credit block in ¥', T, async () => {
  const token = await apiToken('kam_GZ');
  const api = await apiGet(token, '/customers?limit=1000');
  assert.equal(api.status, 200);
  const expected = api.body.items.map((c) => c.code).sort();
  // The demo's customers of kam_GZ; other test files may add more of its customers to the
  // shared server (collection.test.mjs does), so the demo's are required, not the only ones.
  for (const c of ['GZ01', 'GZ02', 'GZ90']) assert.ok(expected.includes(c), `demo scope of kam_GZ has ${c}`);

  await withPage(async (page) => {
    await login(page, 'kam_GZ');
    await page.click('a[data-nav="customers"]');
    await page.waitForSelector('.page-customers tbody tr[data-key]');
    const shown = (await rowKeys(page, '.page-customers')).sort();
    assert.deepEqual(shown, expected);
    assert.equal(await page.locator('.pager button[data-next]').isDisabled(), true, 'one page only');

    // Open GZ01 from the list.
    await page.click('tr[data-key="GZ01"] a');
    await page.waitForSelector('#credit-block');
    assert.match(page.url(), /\/customers\/GZ01$/);
    const one = await apiGet(token, '/customers/GZ01');
    assert.equal(await text(page, '#customer-name'), one.body.name);
    for (const k of ['limit_fen', 'exposure_fen', 'available_fen', 'open_receivables_fen', 'open_orders_fen', 'prepayment_fen', 'overdue_fen']) {
      const shownValue = await text(page, `[data-credit="${k}"] .stat-value`);
      assert.match(shownValue, /^-?¥\d{1,3}(,\d{3})*\.\d{2}$/, `${k} is formatted as money`);
      assert.equal(shownValue, formatFen(one.body.credit[k]), `${k} matches the API`);
    }
    assert.equal(await text(page, '[data-credit="limit_fen"] .stat-value'), '¥500,000.00');
    assert.equal(await text(page, '[data-credit="limit_fen"] .stat-label'), '信用额度');

    // A customer outside the scope is "not found", like the API says.
    const other = await apiGet(token, '/customers/BJ01');
    assert.equal(other.status, 404);
    await page.goto(`${BASE}/customers/BJ01`);
    await page.waitForSelector('.state-error[data-status="404"]');

    // The screenshot a person looks at.
    await page.goto(`${BASE}/customers/GZ01`);
    await page.waitForSelector('#credit-block');
    await page.screenshot({ path: join(resultsDir(), 'customer-GZ01.png'), fullPage: true });
  });
});

test('admin pages through customers with next_cursor and filters by market and region', T, async () => {
  const token = await apiToken('admin', 'admin123');
  const p1 = await apiGet(token, '/customers?limit=20');
  assert.ok(p1.body.next_cursor, 'the demo has more than 20 customers');
  const p2 = await apiGet(token, `/customers?limit=20&cursor=${encodeURIComponent(p1.body.next_cursor)}`);
  const s = await apiGet(token, '/customers?limit=1000&market=S&region=SZ');
  await withPage(async (page) => {
    await login(page, 'admin', 'admin123', '/customers');
    await page.waitForSelector('.page-customers tbody tr[data-key]');
    assert.deepEqual(await rowKeys(page, '.page-customers'), p1.body.items.map((c) => c.code));
    assert.equal(await text(page, '.pager-info'), '第 1 页');
    await page.click('.pager button[data-next]');
    await page.waitForFunction(() => document.querySelector('.pager-info')?.textContent === '第 2 页');
    assert.deepEqual(await rowKeys(page, '.page-customers'), p2.body.items.map((c) => c.code));
    await page.click('.pager button:first-child');
    await page.waitForFunction(() => document.querySelector('.pager-info')?.textContent === '第 1 页');
    assert.deepEqual(await rowKeys(page, '.page-customers'), p1.body.items.map((c) => c.code));

    // Filters: market S narrows the regions offered; region SZ gives what the API gives.
    await page.selectOption('#flt-market', 'S');
    const regions = await page.$$eval('#flt-region option', (os) => os.map((o) => o.value).filter(Boolean));
    assert.deepEqual(regions.sort(), ['GZ', 'SZ']);
    await page.selectOption('#flt-region', 'SZ');
    await page.waitForFunction(() => location.search.includes('region=SZ'));
    await page.waitForFunction(() => !document.querySelector('#main .state-loading'));
    assert.deepEqual(await rowKeys(page, '.page-customers'), s.body.items.map((c) => c.code));
    // The filter is in the address: a reload shows the same list.
    await page.reload();
    await page.waitForSelector('.page-customers tbody tr[data-key]');
    assert.deepEqual(await rowKeys(page, '.page-customers'), s.body.items.map((c) => c.code));
    assert.equal(await page.inputValue('#flt-region'), 'SZ');
  });
});

test('a wrong password shows the error and stays on the sign-in form', T, async () => {
  await withPage(async (page) => {
    await page.goto(`${BASE}/customers`);
    await page.waitForSelector('#login-username');
    await page.fill('#login-username', 'kam_GZ');
    await page.fill('#login-password', 'not-the-password');
    await page.click('#login-submit');
    await page.waitForSelector('#login-error:not([hidden])');
    assert.equal(await text(page, '#login-error'), '用户名或密码错误');
    assert.equal(await page.locator('#user-name').count(), 0);
    assert.match(page.url(), /\/login$/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('osb.token')), null);
    // The right password then works and lands where the user wanted to go.
    await page.fill('#login-password', 'demo123');
    await page.click('#login-submit');
    await page.waitForSelector('.page-customers');
    assert.match(page.url(), /\/customers$/);
    assert.match(await page.evaluate(() => sessionStorage.getItem('osb.token')), /^osb_/);
  });
});

test('signing out revokes the token; a dead session goes back to sign-in with a message', T, async () => {
  await withPage(async (page) => {
    await login(page, 'kam_GZ');
    const token = await page.evaluate(() => sessionStorage.getItem('osb.token'));
    assert.equal((await apiGet(token, '/me')).status, 200);
    await page.click('#logout');
    await page.waitForSelector('#login-username');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('osb.token')), null);
    assert.equal((await apiGet(token, '/me')).status, 401, 'POST /logout ended the session');
    // A token the server no longer knows: the next call answers 401 and the UI asks to sign in.
    await login(page, 'kam_GZ');
    await page.evaluate(() => sessionStorage.setItem('osb.token', 'osb_expired'));
    await page.click('a[data-nav="customers"]');
    await page.waitForSelector('#login-error:not([hidden])');
    assert.equal(await text(page, '#login-error'), '会话已过期，请重新登录。');
  });
});

test('admin creates a product through the form (an API error lands on its field) and sees it in the list', T, async () => {
  const sku = `E2E-${Date.now()}`;
  await withPage(async (page) => {
    await login(page, 'admin', 'admin123');
    await page.click('a[data-nav="products"]');
    await page.click('#new-product');
    await page.waitForSelector('#prod-sku');
    await page.fill('#prod-sku', sku);
    await page.fill('#prod-name', 'E2E 测试奶粉');
    await page.fill('#prod-spec', '900g/听');
    await page.fill('#prod-unit', '听');
    await page.fill('#prod-case_size', '0'); // the API refuses: case_size_invalid
    await page.fill('#prod-price_fen', '123.45');
    await page.click('.form button[type=submit]');
    await page.waitForSelector('#prod-case_size-err:not(:empty)');
    assert.equal(await text(page, '#prod-case_size-err'), '箱规须为不小于 1 的整数');
    assert.equal(await page.getAttribute('#prod-case_size', 'aria-invalid'), 'true');
    assert.match(await text(page, '.form .form-banner'), /case_size/);

    await page.fill('#prod-case_size', '12');
    await page.click('.form button[type=submit]');
    await page.waitForSelector(`.page-products tr[data-key="${sku}"]`);
    const cells = await page.$$eval(`tr[data-key="${sku}"] td`, (tds) => tds.map((td) => td.textContent.trim()));
    assert.equal(cells[0], sku);
    assert.equal(cells[1], 'E2E 测试奶粉');
    assert.ok(cells.includes('¥123.45'), `price shown as ¥123.45 in ${cells}`);

    const token = await apiToken('admin', 'admin123');
    const p = await apiGet(token, `/products/${sku}`);
    assert.equal(p.status, 200);
    assert.equal(p.body.price_fen, 12345);
    assert.equal(p.body.case_size, 12);
  });
});

test('admin creates a customer through the form', T, async () => {
  const code = `E2E${Date.now() % 1000000}`;
  await withPage(async (page) => {
    await login(page, 'admin', 'admin123');
    await page.goto(`${BASE}/customers`);
    await page.click('#new-customer');
    await page.waitForSelector('#cust-code');
    await page.fill('#cust-code', code);
    await page.fill('#cust-name', '广州E2E测试商行');
    await page.selectOption('#cust-market', 'S');
    await page.selectOption('#cust-region', 'GZ');
    await page.selectOption('#cust-kam', 'kam_GZ');
    await page.fill('#cust-credit_limit_fen', '1234.5');
    await page.fill('#cust-payment_term_days', '400'); // the API refuses: term_out_of_range
    await page.click('.form button[type=submit]');
    await page.waitForSelector('#cust-payment_term_days-err:not(:empty)');
    assert.equal(await text(page, '#cust-payment_term_days-err'), '回款期须在 0–365 天之间');

    await page.fill('#cust-payment_term_days', '30');
    await page.click('.form button[type=submit]');
    await page.waitForSelector('#credit-block');
    assert.match(page.url(), new RegExp(`/customers/${code}$`));
    assert.equal(await text(page, '[data-credit="limit_fen"] .stat-value'), '¥1,234.50');
    const c = await apiGet(await apiToken('admin', 'admin123'), `/customers/${code}`);
    assert.equal(c.body.credit_limit_fen, 123450);
  });
});

test('marketing does not see 用户 (users) and gets 无权限 when it goes there', T, async () => {
  const token = await apiToken('marketing');
  assert.equal((await apiGet(token, '/users')).status, 403);
  assert.equal((await apiGet(token, '/audit')).status, 403);
  await withPage(async (page) => {
    await login(page, 'marketing');
    const navs = await page.$$eval('a.nav-link', (as) => as.map((a) => a.dataset.nav));
    assert.ok(!navs.includes('users'), `no users entry in ${navs}`);
    assert.ok(!navs.includes('audit'), `no audit entry in ${navs}`);
    assert.ok(navs.includes('products') && navs.includes('customers'), `products and customers in ${navs}`);
    assert.equal(await page.locator('nav >> text=用户').count(), 0);
    await page.goto(`${BASE}/users`);
    await page.waitForSelector('.state-forbidden');
    assert.equal(await text(page, '.state-forbidden .state-title'), '无权限');
    // Marketing may create products: the button is there.
    await page.goto(`${BASE}/products`);
    await page.waitForSelector('#new-product');
  });
  // While admin does see it, with the users the API lists.
  await withPage(async (page) => {
    await login(page, 'admin', 'admin123');
    await page.click('a[data-nav="users"]');
    await page.waitForSelector('.page-users tr[data-key="kam_GZ"]');
  });
});

test('the language button switches the labels to English and back', T, async () => {
  await withPage(async (page) => {
    await login(page, 'kam_GZ');
    assert.equal(await text(page, 'a[data-nav="customers"] .nav-label'), '客户');
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('a[data-nav="customers"] .nav-label')?.textContent === 'Customers');
    assert.equal(await text(page, '#logout'), 'Sign out');
    assert.equal(await text(page, '#user-role'), 'Key-account manager · S / GZ');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.goto(`${BASE}/customers/GZ01`);
    await page.waitForSelector('#credit-block');
    assert.equal(await text(page, '[data-credit="limit_fen"] .stat-label'), 'Credit limit');
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('a[data-nav="customers"] .nav-label')?.textContent === '客户');
    await page.waitForSelector('#credit-block');
    assert.equal(await text(page, '[data-credit="limit_fen"] .stat-label'), '信用额度');
  });
});

test('订单 shows the orders list when the server has it, else 尚未开放; the other pages load', T, async () => {
  const token = await apiToken('gm');
  const orders = await apiGet(token, '/orders?limit=20');
  await withPage(async (page) => {
    await login(page, 'gm');
    await page.click('a[data-nav="orders"]');
    if (orders.status === 404) {
      await page.waitForSelector('#not-open');
      assert.match(await text(page, '#not-open'), /尚未开放/);
    } else {
      assert.equal(orders.status, 200);
      await page.waitForSelector('.paged-list table, .paged-list .state-empty');
    }
    // Stock matches the API row by row.
    await page.click('a[data-nav="stock"]');
    await page.waitForSelector('.page-stock tfoot');
    const stock = await apiGet(token, '/stock');
    const rows = await page.$$eval('.page-stock .card:last-child tbody tr[data-key]', (trs) => trs.length);
    assert.equal(rows, stock.body.items.length);
    for (const nav of ['quotas', 'org', 'users', 'products', 'notifications', 'audit', 'home']) {
      await page.click(`a[data-nav="${nav}"]`);
      await page.waitForFunction(() => !document.querySelector('#main .state-loading'));
      assert.equal(await page.locator('#main .state-error').count(), 0, `${nav} loads without error`);
    }
    await page.click('a[data-nav="audit"]');
    await page.waitForSelector('.page-audit tbody tr[data-key]');
  });
});
