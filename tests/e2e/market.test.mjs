// market.test.mjs — market support through the web UI (web/pages/market.js), against `osb serve`
// with the demo company (tests/e2e/run.sh): an expense application keyed in by kam_GZ and
// approved by mm_S with the buttons the server allows, the budget bar moving to committed; and
// a distributor inventory report whose grid checks each line's balance as it is typed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { login, apiToken, apiGet, BASE, resultsDir, withPage, apiPost, text, switchUser } from './lib.mjs';
import { currentPeriod } from '../../web/lib/fmt.js';

const T = { timeout: 180_000 };

/** The page's action buttons are exactly the server's allowed_actions for this user. */
async function expectButtons(page, username, url) {
  const d = (await apiGet(await apiToken(username), url)).body;
  const shown = await page.locator('button[id^="mkt-"]').evaluateAll((els) => els.map((e) => e.id.replace(/^mkt-/, '')));
  assert.deepEqual(shown.sort(), [...d.allowed_actions].sort(), `${username}'s buttons`);
  return d;
}

test('an expense application: kam_GZ applies, mm_S approves, the budget shows it committed', T, async () => {
  const period = currentPeriod();
  const mk = await apiToken('marketing');
  const b = await apiPost(mk, '/expense-budgets', { market: 'S', category: 'promotion', period, amount_fen: 10000000 });
  assert.ok(b.status === 201 || b.status === 409, `budget: ${b.status}`);
  const code = `S-ALL-promotion-${period}`;
  const before = (await apiGet(mk, `/expense-budgets/${code}`)).body;
  await withPage(async (page) => {
    await login(page, 'kam_GZ', 'demo123', '/market/expenses');
    await page.click('#expense-new');
    await page.waitForSelector('#exp-category');
    await page.fill('#exp-customer', 'GZ02');
    await page.selectOption('#exp-category', 'promotion');
    await page.fill('#exp-amount_fen', '3,000.00');
    await page.fill('#exp-purpose', '十二月门店促销');
    await page.click('.page-expense-new button[type="submit"]');
    await page.waitForSelector('.page-expense #doc-state[data-state="submitted"]');
    assert.equal(await text(page, '#doc-state'), '已提交');
    assert.equal(await text(page, '#exp-amount'), '¥3,000.00');
    const number = await page.locator('.page-expense').getAttribute('data-number');
    assert.match(number, /FY/);
    await expectButtons(page, 'kam_GZ', `/expense-applications/${number}`);

    await switchUser(page, 'mm_S', `/market/expenses/${number}`);
    await page.waitForSelector('#mkt-approve');
    const d = await expectButtons(page, 'mm_S', `/expense-applications/${number}`);
    assert.deepEqual(d.allowed_actions, ['approve', 'reject']);
    await page.click('#mkt-approve');
    await page.waitForSelector('.page-expense #doc-state[data-state="approved"]');
    assert.equal(await text(page, '#doc-state'), '已批准');
    const after = (await apiGet(mk, `/expense-budgets/${code}`)).body;
    assert.equal(after.committed_fen - before.committed_fen, 300000, 'committed at approval');

    await page.goto(`${BASE}/market/budgets?period=${period}`);
    await page.waitForSelector(`.budget-bar[data-code="${code}"]`);
    const width = await page.locator(`.budget-bar[data-code="${code}"] .bar-committed`).evaluate((e) => e.style.width);
    assert.ok(parseInt(width, 10) >= 3, `the committed part shows: ${width}`);
    await page.screenshot({ path: join(resultsDir(), 'market-budgets.png') });
  });
});

test('an inventory report: the grid checks the balance as you type; marketing reviews it', T, async () => {
  await withPage(async (page) => {
    await login(page, 'csr_a', 'demo123', '/market/inventory');
    await page.click('#inventory-new');
    await page.waitForSelector('#inv-grid');
    await page.fill('#inv-customer', 'GZ02');
    const row = page.locator('#inv-grid tbody tr').first();
    await row.locator('.inv-sku').fill('M-IF1-900');
    await row.locator('.inv-opening_qty').fill('100');
    await row.locator('.inv-purchased_qty').fill('50');
    await row.locator('.inv-sold_qty').fill('80');
    await row.locator('.inv-closing_qty').fill('71');
    assert.match(await text(page, '#inv-grid tbody tr .inv-balance'), /应为 70/);
    assert.equal(await row.getAttribute('data-balanced'), 'no');
    assert.match(await text(page, '#inv-status'), /不平衡/);
    await page.click('.page-inventory-new button[type="submit"]');
    await page.waitForSelector('.page-inventory-new .form-banner:not([hidden])');
    await row.locator('.inv-closing_qty').fill('70');
    assert.match(await text(page, '#inv-grid tbody tr .inv-balance'), /平衡/);
    assert.equal(await row.getAttribute('data-balanced'), 'yes');
    await page.click('#inv-add');
    const second = page.locator('#inv-grid tbody tr').nth(1);
    await second.locator('.inv-sku').fill('M-IF2-900');
    for (const [k, v] of [['opening_qty', '10'], ['purchased_qty', '0'], ['sold_qty', '4'], ['closing_qty', '6']])
      await second.locator(`.inv-${k}`).fill(v);
    assert.equal(await second.getAttribute('data-balanced'), 'yes');
    await page.click('.page-inventory-new button[type="submit"]');
    await page.waitForSelector('.page-inventory-report #doc-state[data-state="submitted"]');
    const number = await page.locator('.page-inventory-report').getAttribute('data-number');
    assert.match(number, /KC/);
    const k = (await apiGet(await apiToken('csr_a'), `/inventory-reports/${number}`)).body;
    assert.deepEqual(k.lines.map((l) => [l.sku, l.closing_qty]), [['M-IF1-900', 70], ['M-IF2-900', 6]]);

    await switchUser(page, 'marketing', `/market/inventory/${number}`);
    await page.waitForSelector('#mkt-review');
    await expectButtons(page, 'marketing', `/inventory-reports/${number}`);
    await page.click('#mkt-review');
    await page.waitForSelector('.page-inventory-report #doc-state[data-state="reviewed"]');
    assert.equal(await text(page, '#doc-state'), '已审核');
    await page.screenshot({ path: join(resultsDir(), 'market-inventory.png') });
  });
});

test('an inventory report starts from last month\'s closing (pre-fill)', T, async () => {
  // Last month's report of GZ01 by the API; this month's grid pre-filled from it.
  const [y, m] = currentPeriod().split('-').map(Number);
  const last = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  const csr = await apiToken('csr_a');
  const made = await apiPost(csr, '/inventory-reports', {
    customer: 'GZ01', period: last,
    lines: [{ sku: 'M-IF1-900', opening_qty: 40, purchased_qty: 0, other_in_qty: 0, sold_qty: 15, returned_qty: 0, closing_qty: 25 }],
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await withPage(async (page) => {
    await login(page, 'csr_a', 'demo123', '/market/inventory/new');
    await page.waitForSelector('#inv-grid');
    await page.fill('#inv-customer', 'GZ01');
    await page.click('#inv-prefill');
    await page.waitForFunction(() => document.querySelector('#inv-grid tbody tr .inv-sku')?.value === 'M-IF1-900');
    const row = page.locator('#inv-grid tbody tr').first();
    assert.equal(await row.locator('.inv-opening_qty').inputValue(), '25');
    assert.match(await row.locator('.inv-purchased_qty').inputValue(), /^\d+$/);
  });
});
