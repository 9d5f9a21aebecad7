// prices.test.mjs — the price-list pages (价目表, web/pages/prices.js) in Debian's Chromium against
// a real `osb serve` with the demo company: marketing drafts a list from pasted CSV lines (the
// server's line-numbered errors shown first), the GM approves it, marketing publishes it, and
// the versions of its code stand side by side. Buttons come from allowed_actions only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { login, apiToken, apiGet, BASE, resultsDir, apiPost, withPage } from './lib.mjs';
import { formatFen } from '../../web/lib/fmt.js';

const T = { timeout: 120_000 };

/** withPage signed in as user on path. */
const withLogin = (user, path, fn) =>
  withPage(async (page) => {
    await login(page, user, 'demo123', path);
    await fn(page);
  });

const buttons = (page) => page.$$eval('#pl-card .action-buttons button', (bs) => bs.map((b) => b.dataset.action).sort());

test('marketing drafts a price list from CSV lines, the GM approves, marketing publishes; versions side by side', T, async () => {
  const code = `E2E${Date.now() % 1000000}`;
  const mkt = await apiToken('marketing');
  const sku = 'M-IF1-900';
  const product = await apiGet(mkt, `/products/${sku}`);
  assert.equal(product.status, 200);
  let number;

  await withLogin('marketing', '/', async (page) => {
    await page.click('a[data-nav="price-lists"]');
    await page.waitForSelector('.page-price-lists');
    await page.click('#new-price-list');
    await page.waitForSelector('.page-price-list-new');
    await page.fill('#pl-code', code);
    await page.fill('#pl-name', '端到端测试价');
    await page.fill('#pl-valid_from', '2020-01-01');
    // a wrong line first: the server names it by its line in the CSV (the header is line 1)
    await page.fill('#pl-lines', `${sku},250.00\nNOPE-SKU,1.00`);
    await page.click('.page-price-list-new button[type="submit"]');
    await page.waitForSelector('#pl-import-rows tbody tr');
    const bad = await page.$$eval('#pl-import-rows tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent.trim())));
    assert.deepEqual(bad.map((r) => r.slice(0, 3)), [['3', 'sku', 'unknown_sku']]);
    const none = await apiGet(mkt, `/price-lists?code=${code}`);
    assert.deepEqual(none.body.items, [], 'nothing imported');
    await page.fill('#pl-lines', `${sku},250.00`);
    await page.click('.page-price-list-new button[type="submit"]');
    await page.waitForSelector('.page-price-list[data-state="draft"]');
    number = await page.locator('#pl-number').textContent();
    assert.match(number, /JG\d{4,5}$/);
    assert.deepEqual(await buttons(page), ['retire'], 'marketing may only retire a draft');
    const cells = await page.$$eval('#pl-items tbody tr td', (tds) => tds.map((td) => td.textContent.trim()));
    assert.deepEqual(cells.slice(1, 4), [sku, formatFen(25000), formatFen(product.body.price_fen)]);
  });

  await withLogin('gm', `/price-lists/${number}`, async (page) => {
    await page.waitForSelector('.page-price-list[data-state="draft"]');
    assert.deepEqual(await buttons(page), ['approve']);
    await page.click('#pl-approve');
    await page.waitForSelector('.page-price-list[data-state="approved"]');
    assert.deepEqual(await buttons(page).catch(() => []), [], 'nothing more for the GM');
  });

  // a later version of the same code, made over the API, to stand beside it
  const next = await apiPost(mkt, '/price-lists', { code, name: '端到端测试价（新）', valid_from: '2099-01-01', items: [{ sku, price_fen: 24000 }] });
  assert.equal(next.status, 201);

  await withLogin('marketing', `/price-lists/${number}`, async (page) => {
    await page.waitForSelector('.page-price-list[data-state="approved"]');
    assert.deepEqual(await buttons(page), ['publish', 'retire']);
    await page.click('#pl-publish');
    await page.waitForSelector('.page-price-list[data-state="published"]');
    const api = await apiGet(mkt, `/price-lists/${number}`);
    assert.equal(api.body.state, 'published');
    assert.deepEqual(api.body.allowed_actions, ['retire']);
    // both versions side by side, each with its price of the SKU
    const heads = await page.$$eval('#pl-versions thead th[data-version]', (ths) => ths.map((th) => th.dataset.version));
    assert.deepEqual(heads, [next.body.number, number], 'newest validity first');
    const row = await page.$$eval(`#pl-versions tbody tr[data-key="${sku}"] td`, (tds) => tds.map((td) => td.textContent.trim()));
    assert.deepEqual(row, [sku, formatFen(24000), formatFen(25000)]);
    await page.screenshot({ path: join(resultsDir(), 'e2e-price-list.png'), fullPage: true });
    // the list page filters by code
    await page.goto(`${BASE}/price-lists?code=${code}`);
    await page.waitForSelector('.page-price-lists tbody tr[data-key]');
    const keys = await page.$$eval('.page-price-lists tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key).sort());
    assert.deepEqual(keys, [number, next.body.number].sort());
  });
});

/** A one-sheet XLSX workbook of rows (strings inline; numbers as numbers), made with zip(1). */
function workbook(rows) {
  const dir = mkdtempSync(join(tmpdir(), 'osb-xlsx-'));
  const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const cell = (v) => (typeof v === 'number' ? `<c><v>${v}</v></c>` : `<c t="inlineStr"><is><t>${esc(v)}</t></is></c>`);
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const files = {
    '[Content_Types].xml': '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'xl/workbook.xml': `<workbook ${ns}><sheets><sheet name="价格" sheetId="1"/></sheets></workbook>`,
    'xl/worksheets/sheet1.xml': `<worksheet ${ns}><sheetData>${rows.map((r, i) => `<row r="${i + 1}">${r.map(cell).join('')}</row>`).join('')}</sheetData></worksheet>`,
  };
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    execFileSync('zip', ['-q', '-r', 'book.xlsx', ...Object.keys(files)], { cwd: dir });
    return readFileSync(join(dir, 'book.xlsx'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('marketing drafts a price list from an Excel workbook (XLSX), its wrong rows named by the sheet', T, async () => {
  const code = `E2X${Date.now() % 1000000}`;
  const mkt = await apiToken('marketing');
  const sku = 'M-IF1-900';
  await withLogin('marketing', '/price-lists/new', async (page) => {
    await page.waitForSelector('.page-price-list-new');
    await page.fill('#pl-code', code);
    await page.fill('#pl-name', 'Excel导入价');
    await page.fill('#pl-valid_from', '2020-01-01');
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    await page.setInputFiles('#pl-file', { name: '价目表.xlsx', mimeType: xlsx, buffer: workbook([['商品编码', '价格'], [sku, 268.1], ['NOPE-SKU', 1]]) });
    assert.equal(await page.inputValue('#pl-lines'), 'Excel 文件：价目表.xlsx', 'the lines box names the workbook');
    await page.click('.page-price-list-new button[type="submit"]');
    await page.waitForSelector('#pl-import-rows tbody tr');
    const bad = await page.$$eval('#pl-import-rows tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent.trim())));
    assert.deepEqual(bad.map((r) => r.slice(0, 3)), [['3', 'sku', 'unknown_sku']], 'the sheet row of the wrong SKU');
    await page.setInputFiles('#pl-file', { name: '价目表.xlsx', mimeType: xlsx, buffer: workbook([['商品编码', '价格'], [sku, 268.1]]) });
    await page.click('.page-price-list-new button[type="submit"]');
    await page.waitForSelector('.page-price-list[data-state="draft"]');
    const number = await page.locator('#pl-number').textContent();
    const api = await apiGet(mkt, `/price-lists/${number}`);
    assert.deepEqual(api.body.items.map((i) => [i.sku, i.price_fen]), [[sku, 26810]]);
  });
});

test('the warehouse has no price-list page (no prices, numbering-and-rules §4)', T, async () => {
  await withLogin('warehouse', '/', async (page) => {
    assert.equal(await page.locator('a[data-nav="price-lists"]').count(), 0);
  });
});
