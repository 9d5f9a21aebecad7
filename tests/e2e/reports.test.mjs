// reports.test.mjs — the report pages (web/pages/reports.js) against a real server with the demo
// company: the list names what GET /reports names, two reports show the rows and the totals the
// API answers (formatted), a header sorts the table, and the XLSX button saves a real workbook.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { login, apiToken, apiGet, resultsDir, withPage } from './lib.mjs';
import { formatFen, formatQty } from '../../web/lib/fmt.js';

const T = { timeout: 120_000 };

const withDownloads = (fn) => withPage(fn, { acceptDownloads: true });

test('gm opens two reports, sorts one and exports an XLSX', T, async () => {
  const token = await apiToken('gm');
  const list = await apiGet(token, '/reports');
  assert.equal(list.status, 200);
  const range = 'from=2020-01-01&to=2030-12-31';
  const regional = await apiGet(token, `/reports/regional_sales?${range}`);
  assert.equal(regional.status, 200);
  const stock = await apiGet(token, '/reports/stock_by_batch');
  assert.equal(stock.status, 200);
  assert.ok(stock.body.rows.length > 1, 'the demo has stock');

  await withDownloads(async (page) => {
    await login(page, 'gm');
    await page.click('a[data-nav="reports"]');
    await page.waitForSelector('#report-list');
    const names = await page.$$eval('#report-list a[data-report]', (as) => as.map((a) => a.dataset.report));
    assert.deepEqual(names, list.body.items.map((i) => i.name), 'every report listed, in order');
    assert.equal((await page.locator('a[data-report="regional_sales"]').textContent()).trim(), '区域销售情况统计表');

    // Report 1: stock by batch, sorted by on-hand quantity with a click on its header.
    await page.click('a[data-report="stock_by_batch"]');
    await page.waitForSelector('#report-table tbody tr');
    assert.equal(await page.locator('#report-table tbody tr').count(), stock.body.rows.length, 'all rows');
    assert.equal(await page.locator('#report-totals td[data-key="on_hand"]').textContent(),
      formatQty(stock.body.totals.on_hand), 'totals row');
    const col = stock.body.columns.findIndex((c) => c.key === 'on_hand');
    await page.click('#report-table th[data-key="on_hand"]');
    await page.click('#report-table th[data-key="on_hand"]');
    const shown = await page.$$eval(`#report-table tbody tr td:nth-child(${col + 1})`,
      (tds) => tds.map((td) => Number(td.textContent.replace(/,/g, ''))));
    const want = stock.body.rows.map((r) => r.on_hand).sort((a, b) => b - a);
    assert.deepEqual(shown, want, 'sorted by on hand, largest first');
    await page.screenshot({ path: join(resultsDir(), 'report-stock_by_batch.png'), fullPage: true });

    // Report 2: regional sales over the demo's history, with the totals the API computed.
    await page.goto(`${new URL(page.url()).origin}/reports/regional_sales?${range}`);
    await page.waitForSelector('#report-body table, #report-body .state-empty');
    if (regional.body.rows.length) {
      assert.equal(await page.locator('#report-table tbody tr').count(), regional.body.rows.length);
      assert.equal(await page.locator('#report-totals td[data-key="net_sales_fen"]').textContent(),
        formatFen(regional.body.totals.net_sales_fen), 'net sales total in ¥');
    }
    assert.equal(await page.inputValue('input[name="from"]'), '2020-01-01', 'filters from the URL');
    await page.screenshot({ path: join(resultsDir(), 'report-regional_sales.png'), fullPage: true });

    // The XLSX button saves a workbook (a zip with one sheet), logged as an export.
    const before = (await apiGet(token, '/audit?action=export&limit=1000')).body;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-xlsx')]);
    assert.equal(download.suggestedFilename(), 'regional_sales.xlsx');
    const path = join(resultsDir(), 'regional_sales.xlsx');
    await download.saveAs(path);
    const bytes = readFileSync(path);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip file');
    assert.ok(bytes.includes(Buffer.from('xl/worksheets/sheet1.xml')), 'with a sheet');
    const after = (await apiGet(token, '/audit?action=export&limit=1000')).body;
    if (before && after && Array.isArray(before.items)) {
      assert.equal(after.items.length, before.items.length + 1, 'one export audit row');
    }
  });
});
